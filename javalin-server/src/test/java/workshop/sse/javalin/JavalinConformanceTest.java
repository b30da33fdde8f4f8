package workshop.sse.javalin;

import java.net.URI;
import java.util.List;
import java.util.Map;
import workshop.sse.core.Settings;
import workshop.sse.tck.ServerUnderTest;
import workshop.sse.tck.SseServerTck;

/** The Javalin server against the whole conformance kit. */
class JavalinConformanceTest extends SseServerTck {

    @Override
    protected ServerUnderTest startServer(Map<String, String> settings) {
        JavalinServer server = JavalinServer.start(Settings.fromEnv(settings));
        URI base = URI.create("http://127.0.0.1:" + server.port() + "/");
        return new ServerUnderTest() {
            @Override
            public URI baseUri() {
                return base;
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }

    @Override
    protected List<String> launchCommand() {
        String java = ProcessHandle.current().info().command().orElse("java");
        return List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName());
    }
}
