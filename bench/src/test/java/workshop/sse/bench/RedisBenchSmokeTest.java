package workshop.sse.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code ./benchmark redis}, small and quick, on the lightest server (raw socket, from its jar): in memory, one
 * instance through Redis, two sharing one Redis. Every mode delivers every event to every stream, in order, once;
 * with two instances, the second instance's streams get theirs through Redis.
 */
class RedisBenchSmokeTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void inMemoryAndOneAndTwoInstancesThroughRedisDeliverEverythingOnce() throws Exception {
        Comparison.Contestant rawSocket = Comparison.workspace(ROOT).stream()
                .filter(c -> c.name().equals("raw-socket")).findFirst().orElseThrow();
        List<Comparison.Contestant> modes = Comparison.throughRedis(rawSocket);
        List<Profile> profiles = List.of(Profile.STEADY.smoke().showing(Bench.REDIS_FIGURES),
                Profile.BURST.smoke().showing(Bench.REDIS_FIGURES));
        Comparison comparison = new Comparison(modes, profiles, 1, ROOT.resolve("bench/target/smoke-redis/logs"), false);
        Map<Profile, Map<String, List<Comparison.Run>>> results = comparison.run();

        for (Profile profile : profiles) {
            for (Comparison.Contestant mode : modes) {
                String where = mode.name() + ", " + profile.name() + ": ";
                Comparison.Run run = results.get(profile).get(mode.name()).get(0);
                LoadRun.Result result = run.result();
                assertEquals(profile.streams(), result.get(Figure.ESTABLISHED), () -> where + "failed " + result.failed());
                assertEquals(Map.of(), result.dropped(), where + "streams dropped");
                assertEquals(List.of(), run.noise(), where + "the servers' logs");
                assertEquals(profile.events(), result.get(Figure.PUBLISHED), () -> where + result.publishFailed());
                assertEquals(profile.events() * (double) profile.streams(), result.get(Figure.DELIVERED), where + "lost");
                assertEquals(0, result.get(Figure.DOUBLED), where + "doubled");
                assertEquals(0, result.get(Figure.OUT_OF_ORDER), where + "ids not consecutive");
                // the streams alternate between the instances: the second holds every other one
                double crossing = mode.instances() == 2 ? profile.events() * (double) (profile.streams() / 2) : 0;
                assertEquals(crossing, result.get(Figure.CROSSED), where + "deliveries through the second instance");
                assertEquals(mode.redis(), result.get(Figure.REDIS_CPU_PER_PUBLISH_US) >= 0,
                        where + "redis-server's CPU read (only through Redis)");
            }
        }
        String markdown = Bench.redisMarkdown(rawSocket, new Report(modes, results, Map.of(), 1, "the smoke test"));
        for (Comparison.Contestant mode : modes) {
            assertTrue(markdown.contains("| " + mode.label() + " |"), mode.label() + " in the table:\n" + markdown);
        }
        assertTrue(markdown.contains("| " + Figure.REDIS_CPU_PER_PUBLISH_US.label + " | – |"), markdown);
    }
}
