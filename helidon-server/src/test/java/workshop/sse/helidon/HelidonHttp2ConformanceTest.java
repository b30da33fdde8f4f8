package workshop.sse.helidon;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import workshop.sse.core.launch.Settings;
import workshop.sse.tck.KitProtocol;
import workshop.sse.tck.ServerUnderTest;
import workshop.sse.tck.SseServerTck;

/** Helidon over HTTP/2 (TLS, ALPN h2) against the whole kit; HTTP/1.1's own checks are skipped (SPEC 12.4). */
@DisplayName("HelidonHttp2ConformanceTest: Helidon over HTTP/2 (TLS, ALPN h2)")
class HelidonHttp2ConformanceTest extends SseServerTck {

    @Override
    protected Map<String, String> extraSettings() {
        return Map.of("TLS", "self-signed");
    }

    @Override
    protected KitProtocol expectedProtocol() {
        return KitProtocol.HTTP_2;
    }

    @Override
    protected String sameLaunchCheckedBy() {
        return "HelidonConformanceTest";
    }

    @Override
    protected ServerUnderTest startServer(Map<String, String> settings) {
        Settings parsed = Settings.fromEnv(settings);
        HelidonServer server = HelidonServer.start(parsed);
        return ServerUnderTest.of(URI.create(parsed.urlFor(server.port())), server::close);
    }

    @Override
    protected List<String> launchCommand() {
        return javaCommand(Main.class.getName());
    }
}
