package workshop.sse.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import workshop.sse.core.launch.Launcher;
import workshop.sse.core.launch.Settings;
import workshop.sse.helidon.HelidonServer;
import workshop.sse.javalin.JavalinServer;
import workshop.sse.rawsocket.RawSocketServer;
import workshop.sse.undertow.UndertowServer;

/** The four servers, started in this JVM on free ports, and what a test asks of them over plain HTTP. */
final class Servers {

    /** Fast enough to watch a reconnect and a heartbeat within a test's few seconds. */
    static final Map<String, String> SETTINGS = Map.of("PORT", "0", "HOST", "127.0.0.1",
            "RETRY_MS", "1000", "HEARTBEAT_MS", "1000");

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Servers() {
    }

    static Launcher.Running start(String name) {
        Settings settings = Settings.fromEnv(SETTINGS);
        return switch (name) {
            case "javalin" -> JavalinServer.start(settings);
            case "undertow" -> UndertowServer.start(settings);
            case "helidon" -> HelidonServer.start(settings);
            case "raw-socket" -> RawSocketServer.start(settings);
            default -> throw new IllegalArgumentException("no server named " + name);
        };
    }

    static String base(Launcher.Running server) {
        return "http://127.0.0.1:" + server.port();
    }

    static JsonNode status(String base) throws IOException, InterruptedException {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/status")).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(answer.body());
    }

    /** Publishes {@code text} as event {@code name}; the new event's id. */
    static long publish(String base, String name, String text) throws IOException, InterruptedException {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/broadcast?event=" + name))
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(text)).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 202) {
            throw new IOException("publish answered " + answer.statusCode() + " " + answer.body());
        }
        return JSON.readTree(answer.body()).path("id").asLong();
    }
}
