package workshop.sse.javalin;

import java.net.URI;
import java.util.Map;
import workshop.sse.core.launch.Settings;
import workshop.sse.tck.ServerUnderTest;
import workshop.sse.tck.hostile.HostileInputTck;

/** The Javalin server against 10,000 hostile requests and a few slow drips. */
class JavalinHostileInputTest extends HostileInputTck {

    @Override
    protected ServerUnderTest startServer(Map<String, String> settings) {
        JavalinServer server = JavalinServer.start(Settings.fromEnv(settings));
        return ServerUnderTest.of(URI.create("http://127.0.0.1:" + server.port() + "/"), server::close);
    }
}
