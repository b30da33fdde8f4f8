package workshop.sse.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code ./benchmark http2}, small and quick, on one stack (from its jar, with {@code TLS=self-signed}) beside the
 * floor: over HTTP/2 every stream shares one connection, over HTTP/1.1 each has its own, and every event reaches
 * every stream once, in order, with a quiet log. The report names every column and carries the profile's figures.
 */
class Http2BenchSmokeTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final String STACK = "undertow";

    @Test
    void theStreamsShareOneConnectionOverHttp2AndGetEveryEventOverEitherProtocol() throws Exception {
        List<Comparison.Contestant> contestants = Http2Bench.contestants(ROOT, List.of("floor", STACK));
        assertEquals(List.of("floor", STACK + "-h2", STACK + "-h1"),
                contestants.stream().map(Comparison.Contestant::name).toList());
        Profile profile = Profile.HTTP2.smoke();
        Comparison comparison = new Comparison(contestants, List.of(profile), 1,
                ROOT.resolve("bench/target/smoke-http2/logs"), false);
        Map<String, List<Comparison.Run>> results = comparison.run().get(profile);

        for (Comparison.Contestant contestant : contestants) {
            String where = contestant.name() + ": ";
            Comparison.Run run = results.get(contestant.name()).get(0);
            LoadRun.Result result = run.result();
            assertEquals(profile.streams(), result.get(Figure.ESTABLISHED), () -> where + "failed " + result.failed());
            double connections = contestant.transport().http2 ? 1 : profile.streams();
            assertEquals(connections, result.get(Figure.CONNECTIONS), where + "connections");
            assertEquals(Map.of(), result.dropped(), where + "streams dropped");
            assertEquals(List.of(), run.noise(), where + "the server's log");
            assertEquals(profile.events(), result.get(Figure.PUBLISHED), () -> where + result.publishFailed());
            assertEquals(profile.events() * (double) profile.streams(), result.get(Figure.DELIVERED), where + "lost");
            assertEquals(0, result.get(Figure.DOUBLED), where + "doubled");
            assertEquals(0, result.get(Figure.OUT_OF_ORDER), where + "out of order");
            assertTrue(result.get(Figure.LATENCY_P99_MS) > 0, where + "no latency measured");
            assertTrue(result.get(Figure.CPU_PER_DELIVERY_US) >= 0, where + "no server CPU read");
            assertTrue(result.get(Figure.THREADS) > 0, where + "no thread count read");
            assertTrue(!Double.isNaN(result.get(Figure.RSS_PER_STREAM_KIB)), where + "no memory per stream read");
        }

        Report report = new Report(contestants, Map.of(profile, results), Map.of(), 1, "the smoke test");
        String markdown = Http2Bench.markdown(profile, report);
        String header = "| | floor | " + contestants.get(1).label() + " | " + contestants.get(2).label() + " |";
        assertTrue(markdown.contains(header), header + " in:\n" + markdown);
        for (Figure figure : profile.shown()) {
            assertTrue(markdown.contains("\n| " + figure.label + " | "), figure.label + " in:\n" + markdown);
        }
        assertTrue(markdown.contains("| connections | " + profile.streams() + " | 1 | " + profile.streams() + " |"),
                markdown);
    }
}
