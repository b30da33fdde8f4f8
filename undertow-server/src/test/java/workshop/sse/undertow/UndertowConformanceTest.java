package workshop.sse.undertow;

import java.net.URI;
import java.util.List;
import java.util.Map;
import workshop.sse.core.launch.Settings;
import workshop.sse.tck.ServerUnderTest;
import workshop.sse.tck.SseServerTck;

/** The Undertow server against the whole conformance kit. */
class UndertowConformanceTest extends SseServerTck {

    @Override
    protected ServerUnderTest startServer(Map<String, String> settings) {
        Settings parsed = Settings.fromEnv(settings);
        UndertowServer server = UndertowServer.start(parsed);
        return ServerUnderTest.of(URI.create(parsed.urlFor(server.port())), server::close);
    }

    @Override
    protected List<String> launchCommand() {
        return javaCommand(Main.class.getName());
    }
}
