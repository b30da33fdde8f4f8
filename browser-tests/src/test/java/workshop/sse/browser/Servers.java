package workshop.sse.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
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

    /** HTTP/1.1 as a browser speaks to these servers (no h2c upgrade asked). */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Servers() {
    }

    static Launcher.Running start(String name) {
        return start(name, Map.of());
    }

    /** Started with {@code more} settings besides the test's (REDIS_URL, say). */
    static Launcher.Running start(String name, Map<String, String> more) {
        Map<String, String> all = new java.util.HashMap<>(SETTINGS);
        all.putAll(more);
        Settings settings = Settings.fromEnv(all);
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

    /** Broadcast streams held open from here (not from the page), until closed. */
    static final class OpenStreams implements AutoCloseable {
        private final List<InputStream> bodies = new ArrayList<>();

        @Override
        public void close() throws IOException {
            for (InputStream body : bodies) {
                body.close();
            }
        }
    }

    /** Opens {@code n} broadcast streams; each is open (its headers came) when this returns. */
    static OpenStreams openBroadcasts(String base, int n) throws IOException, InterruptedException {
        OpenStreams streams = new OpenStreams();
        for (int i = 0; i < n; i++) {
            HttpResponse<InputStream> answer = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/broadcast")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            streams.bodies.add(answer.body());
            if (answer.statusCode() != 200) {
                streams.close();
                throw new IOException("GET /api/broadcast answered " + answer.statusCode());
            }
        }
        return streams;
    }

    /** Waits until the server counts exactly {@code n} broadcast streams (a closed one is noticed within seconds). */
    static void awaitBroadcasts(String base, int n) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        int counted;
        while ((counted = status(base).path("streams").path("broadcast").asInt()) != n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(base + " still counts " + counted + " broadcast streams, not " + n);
            }
            Thread.sleep(100);
        }
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
