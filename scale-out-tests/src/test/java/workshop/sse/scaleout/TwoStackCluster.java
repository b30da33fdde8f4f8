package workshop.sse.scaleout;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import workshop.sse.core.demo.RedisServer;
import workshop.sse.core.launch.Launcher;
import workshop.sse.core.launch.Settings;
import workshop.sse.helidon.HelidonServer;
import workshop.sse.javalin.JavalinServer;
import workshop.sse.tck.ServerUnderTest;

/**
 * A Javalin and a Helidon instance behind a {@link SpreadingProxy}: sharing one redis-server, as a cluster is meant to
 * run, or each with a Redis of its own, a cluster whose instances share nothing (what the kit must catch).
 */
final class TwoStackCluster {

    private TwoStackCluster() {
    }

    static ServerUnderTest start(Map<String, String> settings, boolean shareOneRedis) throws Exception {
        RedisServer javalinRedis = RedisServer.start();
        RedisServer helidonRedis = shareOneRedis ? javalinRedis : RedisServer.start();
        Launcher.Running javalin = null;
        Launcher.Running helidon = null;
        try {
            javalin = JavalinServer.start(Settings.fromEnv(with(settings, javalinRedis)));
            helidon = HelidonServer.start(Settings.fromEnv(with(settings, helidonRedis)));
            SpreadingProxy proxy = new SpreadingProxy(List.of(local(javalin), local(helidon)));
            Launcher.Running first = javalin;
            Launcher.Running second = helidon;
            return ServerUnderTest.of(proxy.uri(), () -> {
                try (javalinRedis; helidonRedis; first; second; proxy) {
                    // closed in reverse order: the proxy, the instances, then Redis
                }
            });
        } catch (Exception | Error e) {
            for (AutoCloseable started : new AutoCloseable[] {helidon, javalin, helidonRedis, javalinRedis}) {
                if (started != null) {
                    started.close();
                }
            }
            throw e;
        }
    }

    private static Map<String, String> with(Map<String, String> settings, RedisServer redis) {
        Map<String, String> clustered = new HashMap<>(settings);
        clustered.put("REDIS_URL", redis.url());
        return clustered;
    }

    private static URI local(Launcher.Running server) {
        return URI.create("http://127.0.0.1:" + server.port() + "/");
    }
}
