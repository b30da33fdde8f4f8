package workshop.sse.rawsocket;

import java.net.URI;
import java.util.List;
import java.util.Map;
import workshop.sse.core.launch.Settings;
import workshop.sse.tck.ServerUnderTest;
import workshop.sse.tck.SseServerTck;

/** The raw-socket server against the whole conformance kit. */
class RawSocketConformanceTest extends SseServerTck {

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
