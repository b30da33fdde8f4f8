package workshop.sse.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static workshop.sse.tck.Eventually.eventually;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.config.EncoderConfig;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSources;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.opentest4j.AssertionFailedError;

/**
 * The kit's state and lifecycle, and the one implementation of {@link TckContext}, what every group of checks
 * uses: one server per test class, the three kinds of client, the server's effective timings (read from {@code GET
 * /api/status}, never assumed), and the helpers that keep checks isolated although they share that server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a safety net only: every wait in the kit has its own, shorter deadline
public abstract class TckBase implements TckContext {

    private static final RestAssuredConfig REST = RestAssuredConfig.config()
            // send exactly the Content-Type a check gives: REST Assured would otherwise append "; charset=ISO-8859-1"
            .encoderConfig(EncoderConfig.encoderConfig()
                    .defaultContentCharset(StandardCharsets.UTF_8)
                    .appendDefaultContentCharsetToContentTypeIfUndefined(false))
            .httpClient(HttpClientConfig.httpClientConfig()
                    .setParam("http.connection.timeout", 5_000)
                    .setParam("http.socket.timeout", 10_000));

    private ServerUnderTest server;
    private URI base;
    private ServerConfig config;
    /** /api/status has a "cluster": the kit's connections may reach different instances. */
    private boolean clustered;
    private RequestSpecification spec;
    private OkHttpClient okHttp;
    private EventSource.Factory sseFactory;

    /** See {@link SseServerTck#startServer(Map)}. */
    protected abstract ServerUnderTest startServer(Map<String, String> settings) throws Exception;

    /** See {@link SseServerTck#launchCommand()}. */
    protected List<String> launchCommand() {
        return List.of();
    }

    /** False for a server the kit did not start ({@link RemoteServerTck}): it runs with whatever settings it has. */
    protected boolean startedWithKitSettings() {
        return true;
    }

    /** {@link #launchCommand()}, to the checks (which see only {@link TckContext}). */
    @Override
    public final List<String> serverProcessCommand() {
        return launchCommand();
    }

    /** {@link #startedWithKitSettings()}, to the checks (which see only {@link TckContext}). */
    @Override
    public final boolean runsWithKitSettings() {
        return startedWithKitSettings();
    }

    /**
     * The settings the kit starts servers with: short timings so that the kit runs in about a minute. ALLOWED_ORIGINS
     * is left out on purpose: the SPEC's default is what the cross-origin checks expect.
     */
    public static Map<String, String> kitSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("HOST", "127.0.0.1");
        settings.put("PORT", "0");
        settings.put("RETRY_MS", "250");
        settings.put("HEARTBEAT_MS", "500");
        settings.put("HISTORY_SIZE", "100");
        settings.put("MAX_STREAMS", "12");
        return settings;
    }

    @BeforeAll
    final void startTheServer() throws Exception {
        server = startServer(kitSettings());
        URI uri = server.baseUri();
        int port = uri.getPort() != -1 ? uri.getPort() : 80;
        base = URI.create(uri.getScheme() + "://" + uri.getHost() + ":" + port + "/");
        spec = new RequestSpecBuilder().setBaseUri(uri.getScheme() + "://" + uri.getHost()).setPort(port)
                .setConfig(REST).build();
        JsonNode status;
        try {
            status = eventually(Duration.ofSeconds(10), this::status);
        } catch (AssertionError e) {
            throw new AssertionFailedError("the server at " + base + " does not answer GET /api/status: "
                    + e.getMessage(), e);
        }
        config = readConfig(status);
        clustered = status.hasNonNull("cluster");
        okHttp = new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(5))
                // a stream must never be silent longer than a heartbeat: twice that means it is dead
                .readTimeout(Duration.ofMillis(2 * config.heartbeatMs() + 2_000))
                .retryOnConnectionFailure(false)
                .build();
        sseFactory = EventSources.createFactory(okHttp);
        warmUp();
    }

    /**
     * Opens and drops one stream of each kind, so that the "at once" checks measure buffering, not the class loading
     * of a server's first stream. Best effort: what goes wrong here, the checks report.
     */
    private void warmUp() {
        for (String target : List.of("/api/counter?interval=60000", "/api/broadcast")) {
            try (RawSseStream stream = RawSseStream.open(base, "GET", target)) {
                stream.nextEvent(Duration.ofSeconds(2));
                stream.abort();
            } catch (IOException | RuntimeException | AssertionError e) {
                // reported by the checks themselves
            }
        }
    }

    @Override
    public boolean clustered() {
        return clustered;
    }

    @Override
    public void assumeOneInstance(String rule) {
        Assumptions.assumeFalse(clustered, "this server answers as one instance of a cluster (/api/status has"
                + " \"cluster\"), and rule " + rule + " is about one instance while the kit's connections may reach any;"
                + " point the kit at one instance's own address to check it");
    }

    @Override
    public void assumeHistoryOf(int events) {
        int capacity = config().historyCapacity();
        Assumptions.assumeTrue(capacity >= events, "history.capacity is " + capacity + ": this check replays up to "
                + events + " events (start the server with HISTORY_SIZE=20 or more to run it)");
    }

    /**
     * The timings the server reports. A field that is missing falls back to the SPEC's default, so that the other
     * checks still run; the status check reports the missing field.
     */
    private static ServerConfig readConfig(JsonNode status) {
        JsonNode config = status.path("config");
        return new ServerConfig(
                config.path("retryMs").asLong(3_000),
                config.path("heartbeatMs").asLong(15_000),
                config.path("maxStreams").asInt(10_000),
                status.path("history").path("capacity").asInt(1_000));
    }

    @AfterAll
    final void stopTheServer() throws Exception {
        if (okHttp != null) {
            okHttp.dispatcher().cancelAll();
            okHttp.dispatcher().executorService().shutdown();
            okHttp.connectionPool().evictAll();
        }
        if (server != null) {
            server.close();
        }
    }

    // ---- where the server is, and what it is set to

    @Override
    public URI base() {
        return base;
    }

    @Override
    public ServerConfig config() {
        return config;
    }

    @Override
    public Duration atOnce() {
        return Duration.ofMillis(Math.clamp(config.heartbeatMs() / 2, 300, 1_000));
    }

    @Override
    public Duration closeNoticeBound() {
        return Duration.ofMillis(2 * config.heartbeatMs() + 1_000);
    }

    @Override
    public Duration silenceLimit() {
        return Duration.ofMillis(config.heartbeatMs() + Math.max(150, config.heartbeatMs() / 5));
    }

    // ---- the JSON endpoints, with REST Assured

    @Override
    public RequestSpecification api() {
        return RestAssured.given(spec);
    }

    @Override
    public JsonNode status() throws IOException {
        Response response = api().get("/api/status");
        assertEquals(200, response.statusCode(), () -> "GET /api/status answered " + response.statusCode());
        return JSON.readTree(response.asByteArray());
    }

    @Override
    public long lastEventId() throws IOException {
        return status().path("lastEventId").asLong();
    }

    @Override
    public int openStreams(String kind) throws IOException {
        return streamCounts().path(kind).asInt();
    }

    @Override
    public int openStreams() throws IOException {
        JsonNode streams = streamCounts();
        return streams.path("counter").asInt() + streams.path("broadcast").asInt();
    }

    /** The open streams by kind: this instance's, or in a cluster the whole cluster's (SPEC 8.1, 11). */
    private JsonNode streamCounts() throws IOException {
        JsonNode status = status();
        return clustered ? status.path("cluster").path("streams") : status.path("streams");
    }

    @Override
    public long publish(String event, String body) throws IOException {
        Response response = api().contentType("text/plain; charset=utf-8")
                .queryParam("event", event)
                .body(body.getBytes(StandardCharsets.UTF_8))
                .post("/api/broadcast");
        assertEquals(202, response.statusCode(),
                () -> "POST /api/broadcast?event=" + event + " answered " + response.statusCode() + ": "
                        + response.asString());
        return JSON.readTree(response.asByteArray()).path("id").asLong();
    }

    // ---- streams

    @Override
    public RawHttp connect() throws IOException {
        return RawHttp.connect(base);
    }

    @Override
    public RawSseStream openStream(String target, String... headerLines) throws IOException {
        awaitRoomForStreams(1);
        return RawSseStream.open(base, "GET", target, headerLines);
    }

    /** The URL of {@code target} (a path with an optional query) for okhttp. */
    private HttpUrl url(String target) {
        return HttpUrl.get(base.resolve(target).toString());
    }

    @Override
    public EventStream events(String target, Map<String, String> headers) throws IOException {
        awaitRoomForStreams(1);
        EventStream stream = EventStream.open(sseFactory, url(target), headers);
        try {
            return stream.awaitOpen(RawHttp.ANSWER);
        } catch (RuntimeException | Error e) {
            stream.close();
            throw e;
        }
    }

    @Override
    public EventStream events(String target) throws IOException {
        return events(target, Map.of());
    }

    @Override
    public void awaitNoOpenStreams() {
        try {
            eventually(closeNoticeBound().plusSeconds(1), () -> assertEquals(0, openStreams(), "open streams"));
        } catch (AssertionError e) {
            fail(leftoverStreams(e));
        }
    }

    private String leftoverStreams(AssertionError e) {
        return "the server still counts streams whose clients closed them during earlier checks, "
                + closeNoticeBound().plusSeconds(1).toMillis() + " ms later (SPEC: a closed client is noticed within"
                + " 2 × HEARTBEAT_MS + 1 s), unless another client holds them: " + e.getMessage();
    }

    @Override
    public void awaitRoomForStreams(int k) {
        if (config.maxStreams() >= 1_000) {
            return; // the kit never opens that many at once
        }
        try {
            eventually(closeNoticeBound().plusSeconds(1),
                    () -> assertTrue(openStreams() + k <= config.maxStreams(), "no room for " + k + " more streams"));
        } catch (AssertionError e) {
            fail("this check needs " + k + " more stream(s) than MAX_STREAMS=" + config.maxStreams() + " leaves: "
                    + leftoverStreams(e));
        }
    }

    @Override
    public void expectRetryFrame(RawSseStream stream, Duration within) throws IOException {
        SseFrame first = stream.next(within);
        assertTrue(first != null, "the stream ended before its first frame");
        assertEquals(List.of(new SseFrame.Field("retry", String.valueOf(config.retryMs()))), first.fields(),
                () -> "the first frame must be exactly retry: " + config.retryMs() + " (config.retryMs), was "
                        + first.describe());
    }

    @Override
    public void awaitLastPresence(RawSseStream stream, int subscribers, Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        Integer last = null;
        while (true) {
            boolean settled = last != null && last == subscribers;
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                if (settled) {
                    return;
                }
                fail("the last presence event said " + last + " subscribers, expected " + subscribers + " within "
                        + within.toMillis() + " ms");
            }
            // once the right number arrived, a short quiet period shows it is the last one
            SseFrame frame = stream.poll(settled ? Duration.ofNanos(Math.min(left, 300_000_000L)) : Duration.ofNanos(left));
            if (frame == null) {
                assertTrue(!stream.ended(), "the broadcast stream ended while waiting for presence " + subscribers);
                if (settled) {
                    return;
                }
                continue;
            }
            if (frame.isPresence()) {
                assertTrue(!frame.has("id"), () -> "a presence event must have no id: line, was " + frame.describe());
                last = JSON.readTree(frame.data()).path("subscribers").asInt(-1);
            }
        }
    }

    @Override
    public RawResponse post(String target, String contentType, byte[] body, String... headerLines)
            throws IOException {
        List<String> headers = new java.util.ArrayList<>();
        if (contentType != null) {
            headers.add("Content-Type: " + contentType);
        }
        headers.add("Content-Length: " + body.length);
        headers.addAll(List.of(headerLines));
        try (RawHttp conn = connect()) {
            byte[] head = conn.head("POST", target, headers.toArray(String[]::new)).getBytes(StandardCharsets.UTF_8);
            byte[] request = java.util.Arrays.copyOf(head, head.length + body.length);
            System.arraycopy(body, 0, request, head.length, body.length);
            conn.send(request);
            return conn.readResponse(false, RawHttp.ANSWER);
        }
    }
}
