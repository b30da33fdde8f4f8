package workshop.sse.javalin;

import java.net.URI;
import java.util.List;
import java.util.Map;
import workshop.sse.core.launch.Settings;
import workshop.sse.tck.ServerUnderTest;
import workshop.sse.tck.SseServerTck;

/** The Javalin server against the whole conformance kit. */
class JavalinConformanceTest extends SseServerTck {

    @Override
    protected ServerUnderTest startServer(Map<String, String> settings) {
        Settings parsed = Settings.fromEnv(settings);
        JavalinServer server = JavalinServer.start(parsed);
        return ServerUnderTest.of(URI.create(parsed.urlFor(server.port())), server::close);
    }

    @Override
    protected List<String> launchCommand() {
        return javaCommand(Main.class.getName());
    }
}
