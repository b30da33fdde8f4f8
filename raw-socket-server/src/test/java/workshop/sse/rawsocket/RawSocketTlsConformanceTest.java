package workshop.sse.rawsocket;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import workshop.sse.core.launch.Settings;
import workshop.sse.tck.KitProtocol;
import workshop.sse.tck.ServerUnderTest;
import workshop.sse.tck.SseServerTck;

/** The raw-socket server over TLS against the whole conformance kit: it offers no h2, so every check runs (SPEC 12.3). */
@DisplayName("RawSocketTlsConformanceTest: raw-socket over HTTP/1.1 (TLS, ALPN http/1.1)")
class RawSocketTlsConformanceTest extends SseServerTck {

    @Override
    protected Map<String, String> extraSettings() {
        return Map.of("TLS", "self-signed");
    }

    @Override
    protected KitProtocol expectedProtocol() {
        return KitProtocol.HTTPS_1_1;
    }

    @Override
    protected String sameLaunchCheckedBy() {
        return "RawSocketConformanceTest";
    }

    @Override
    protected ServerUnderTest startServer(Map<String, String> settings) {
        Settings parsed = Settings.fromEnv(settings);
        RawSocketServer server = RawSocketServer.start(parsed);
        return ServerUnderTest.of(URI.create(parsed.urlFor(server.port())), server::close);
    }

    @Override
    protected List<String> launchCommand() {
        return javaCommand(Main.class.getName());
    }
}
