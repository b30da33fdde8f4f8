package workshop.sse.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The whole comparison, small and quick: the floor and the four servers, started from their jars as {@code ./benchmark}
 * starts them, through every profile once. Not a measurement (the figures of so small a run mean little): it keeps
 * the bench and the servers working together, so the full run never finds a broken tool.
 */
class BenchSmokeTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void everyServerGoesThroughEveryProfileWithNothingLostAndAQuietLog() throws Exception {
        List<Comparison.Contestant> contestants = Comparison.workspace(ROOT);
        List<Profile> profiles = Profile.ALL.stream().map(Profile::smoke).toList();
        Path out = ROOT.resolve("bench/target/smoke");
        Comparison comparison = new Comparison(contestants, profiles, 1, out.resolve("logs"), true);
        Map<Profile, Map<String, List<Comparison.Run>>> results = comparison.run();

        for (var byProfile : results.entrySet()) {
            Profile profile = byProfile.getKey();
            for (var byServer : byProfile.getValue().entrySet()) {
                String where = byServer.getKey() + ", " + profile.name() + ": ";
                Comparison.Run run = byServer.getValue().get(0);
                LoadRun.Result result = run.result();
                assertEquals(profile.streams(), result.get(Figure.ESTABLISHED), () -> where + "failed " + result.failed());
                assertEquals(Map.of(), result.dropped(), where + "streams dropped");
                assertEquals(List.of(), run.noise(), where + "the server's log");
                if (profile.publishing() == Profile.Publishing.NONE) {
                    assertTrue(result.get(Figure.THREADS) > 0, where + "no thread count read");
                    assertTrue(run.heap() != null && run.heap().perStreamKiB() > 0, where + "no heap histogram");
                    continue;
                }
                assertEquals(profile.events(), result.get(Figure.PUBLISHED), () -> where + result.publishFailed());
                assertEquals(profile.events() * (double) profile.streams(), result.get(Figure.DELIVERED), where + "lost");
                assertEquals(0, result.get(Figure.DOUBLED), where + "doubled");
                assertEquals(0, result.get(Figure.OUT_OF_ORDER), where + "out of order");
                assertTrue(result.get(Figure.LATENCY_P99_MS) > 0, where + "no latency measured");
                assertTrue(result.get(Figure.CPU_PER_DELIVERY_US) >= 0, where + "no server CPU read");
            }
        }

        new Report(contestants, results, comparison.cpu(), 1, "the smoke test").write(out, out.resolve("results.json"), null);
        String table = Files.readString(out.resolve("results.md"), StandardCharsets.UTF_8);
        String chart = Files.readString(out.resolve("results.svg"), StandardCharsets.UTF_8);
        for (Comparison.Contestant contestant : contestants) {
            assertTrue(table.contains(contestant.label()), contestant.label() + " in the table");
            assertTrue(chart.contains(">" + contestant.label() + "<"), contestant.label() + " in the chart");
        }
        assertTrue(Files.readString(out.resolve("results.json")).contains("\"latencyP99Ms\""));
        for (Comparison.Contestant contestant : contestants) { // recorded and read (an idle floor may sample nothing)
            assertTrue(comparison.cpu().containsKey(contestant.name()), contestant.name() + ": no recording read");
        }
        assertTrue(comparison.cpu().values().stream().mapToLong(Profiler.Cpu::samples).sum() > 0, "no CPU samples");
        assertTrue(table.contains("Where the CPU goes") && table.contains("Where the memory goes"));
    }
}
