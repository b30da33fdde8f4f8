package workshop.sse.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static workshop.sse.tck.Eventually.eventually;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.URLEncoder;
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
import io.restassured.config.SSLConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSources;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
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
    private KitTls tls;
    private KitProtocol protocol;
    private volatile String previousCheck;
    /** Over HTTP/2: the stream and request client; null over HTTP/1.1, where they are raw sockets. */
    private Http2Client http2;
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

    /**
     * Settings a test class adds to {@link #kitSettings()} for every server the kit starts (in this JVM, and the
     * processes of the "Running" checks). By default {@code TLS=self-signed} when the class expects a protocol over
     * TLS ({@link #expectedProtocol()}), and nothing otherwise.
     */
    protected Map<String, String> extraSettings() {
        KitProtocol expected = expectedProtocol();
        return expected != null && expected != KitProtocol.HTTP_1_1 ? Map.of("TLS", "self-signed") : Map.of();
    }

    /**
     * The protocol this test class expects the server to choose, or null for whichever it chooses. The kit fails at
     * start when the server chose another. {@link KitProtocol#HTTP_2} (where the server offers h2) or {@link
     * KitProtocol#HTTPS_1_1} also starts the server over TLS: so a stack's whole HTTPS run is its conformance test
     * extended with this one method.
     */
    protected KitProtocol expectedProtocol() {
        return null;
    }

    /**
     * Which certificates the kit trusts over TLS: any, by default, for the kit's own servers make a self-signed
     * certificate ({@code TLS=self-signed}).
     */
    protected KitTls trust() {
        return KitTls.insecure();
    }

    /** False for a server the kit did not start ({@link RemoteServerTck}): it runs with whatever settings it has. */
    protected boolean startedWithKitSettings() {
        return true;
    }

    /**
     * The test class that runs the same server's launch command in the clear, when this one adds TLS to it: then the
     * start-up checks whose outcome TLS does not change (bad settings, defaults, flags, ALLOWED_ORIGINS, the TLS
     * settings' own checks) run there only, and here are skipped saying so. By default the class this one extends,
     * when that is a concrete test class (as {@code JavalinHttp2ConformanceTest extends JavalinConformanceTest}),
     * and null otherwise: every check runs.
     */
    protected String sameLaunchCheckedBy() {
        Class<?> parent = getClass().getSuperclass();
        return Modifier.isAbstract(parent.getModifiers()) ? null : parent.getSimpleName();
    }

    @Override
    public final void assumeLaunchNotCheckedElsewhere() {
        String other = sameLaunchCheckedBy();
        Assumptions.assumeTrue(other == null, () -> "this start-up check does not depend on TLS, and " + other
                + " runs it on the same launch command");
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

    @Override
    public final Map<String, String> withExtraSettings(Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.putAll(extraSettings());
        return all;
    }

    @BeforeAll
    final void startTheServer() throws Exception {
        server = startServer(withExtraSettings(kitSettings()));
        URI uri = server.baseUri();
        int port = uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equals("https") ? 443 : 80;
        base = URI.create(uri.getScheme() + "://" + uri.getHost() + ":" + port + "/");
        tls = trust();
        protocol = KitProtocol.of(base, tls);
        KitProtocol expected = expectedProtocol();
        if (expected != null && expected != protocol) {
            throw new AssertionFailedError("the server at " + base + " chose to speak " + protocol.describe()
                    + "; this test class expects it " + expected.describe());
        }
        RestAssuredConfig restConfig = base.getScheme().equals("https")
                ? REST.sslConfig(SSLConfig.sslConfig().sslSocketFactory(tls.http11Sockets())) : REST;
        spec = new RequestSpecBuilder().setBaseUri(uri.getScheme() + "://" + uri.getHost())
                .setPort(port).setConfig(restConfig).setUrlEncodingEnabled(false) // the checks' targets are sent as written
                .build();
        // before the timings are known, a stream is dead after the SPEC's default heartbeat (15 s), twice
        okHttp(15_000);
        JsonNode status;
        try {
            status = eventually(Duration.ofSeconds(10), this::status);
        } catch (AssertionError e) {
            throw new AssertionFailedError("the server at " + base + " does not answer GET /api/status: "
                    + e.getMessage(), e);
        }
        config = readConfig(status);
        clustered = status.hasNonNull("cluster");
        sseFactory = EventSources.createFactory(okHttp(config.heartbeatMs()));
        warmUp();
    }

    /**
     * The okhttp client for {@link #events} and, over HTTP/2, for every stream and request: one connection pool, so
     * over HTTP/2 one connection. A stream must never be silent longer than a heartbeat: twice that means it is dead.
     */
    private OkHttpClient okHttp(long heartbeatMs) {
        OkHttpClient.Builder builder = (okHttp == null ? new OkHttpClient.Builder() : okHttp.newBuilder())
                .connectTimeout(Duration.ofSeconds(5))
                .readTimeout(Duration.ofMillis(2 * heartbeatMs + 2_000))
                .retryOnConnectionFailure(false);
        if (protocol != KitProtocol.HTTP_1_1) {
            tls.configure(builder).protocols(protocol == KitProtocol.HTTP_2
                    ? List.of(Protocol.HTTP_2, Protocol.HTTP_1_1) : List.of(Protocol.HTTP_1_1));
        }
        okHttp = builder.build();
        okHttp.dispatcher().setMaxRequestsPerHost(64); // okhttp-sse streams are asynchronous calls: 5 by default
        http2 = protocol == KitProtocol.HTTP_2 ? new Http2Client(okHttp, base) : null;
        return okHttp;
    }

    /**
     * Opens and drops one stream of each kind, so that the "at once" checks measure buffering, not the class loading
     * of a server's first stream. Best effort: what goes wrong here, the checks report.
     */
    private void warmUp() {
        for (String target : List.of("/api/counter?interval=60000", "/api/broadcast")) {
            try (RawSseStream stream = openStreamNow(target)) {
                stream.nextEvent(Duration.ofSeconds(2));
                stream.abort();
            } catch (IOException | RuntimeException | AssertionError e) {
                // reported by the checks themselves
            }
        }
    }

    @Override
    public KitProtocol protocol() {
        return protocol;
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

    /** Notes which check ran last, so that a stream one of them leaves behind is traced to it. */
    @AfterEach
    final void rememberTheCheck(TestInfo check) {
        previousCheck = check.getDisplayName();
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
        RawResponse response = request("GET", "/api/status");
        assertEquals(200, response.status(), () -> "GET /api/status answered " + response.describe());
        return response.json();
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
        String target = "/api/broadcast?event=" + URLEncoder.encode(event, StandardCharsets.UTF_8);
        RawResponse response = post(target, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
        assertEquals(202, response.status(), () -> "POST " + target + " answered " + response.describe());
        return response.json().path("id").asLong();
    }

    // ---- streams

    @Override
    public RawHttp connect() throws IOException {
        return RawHttp.connect(base, tls);
    }

    @Override
    public RawHttp connect(int receiveBufferBytes) throws IOException {
        return RawHttp.connect(base, tls, receiveBufferBytes);
    }

    @Override
    public RawHttp connect(URI server) throws IOException {
        return RawHttp.connect(server, tls);
    }

    @Override
    public RawSseStream openStream(String target, String... headerLines) throws IOException {
        awaitRoomForStreams(1);
        return openStreamNow(target, headerLines);
    }

    @Override
    public RawSseStream openStreamNow(String target, String... headerLines) throws IOException {
        if (http2 != null) {
            return http2.open("GET", target, null, null, headerLines);
        }
        return RawSseStream.open(connect(), "GET", target, headerLines);
    }

    @Override
    public RawResponse request(String method, String target, String... headerLines) throws IOException {
        if (http2 != null) {
            return http2.exchange(method, target, null, null, headerLines);
        }
        // Over HTTP/1.1 an ordinary request goes through REST Assured, the kit's client for the JSON API
        RequestSpecification request = api();
        for (String line : headerLines) {
            int colon = line.indexOf(':');
            request.header(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
        }
        Response response = request.request(method, target);
        List<Map.Entry<String, String>> fields = response.headers().asList().stream()
                .map(field -> Map.entry(field.getName(), field.getValue())).toList();
        return new RawResponse(new HttpHead(response.statusLine(), response.statusCode(), fields, System.nanoTime()),
                response.asByteArray());
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
                + " 2 × HEARTBEAT_MS + 1 s), unless another client holds them: " + e.getMessage()
                + (previousCheck == null ? "" : " (the check that ran just before: \"" + previousCheck + "\")");
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
        if (http2 != null) {
            return http2.exchange("POST", target, contentType, body, headerLines);
        }
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
