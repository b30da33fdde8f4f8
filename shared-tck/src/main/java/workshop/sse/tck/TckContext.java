package workshop.sse.tck;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.restassured.specification.RequestSpecification;

import org.junit.jupiter.api.Assumptions;

/**
 * What every group of checks may use of the running kit: where the server is, its effective timings, the three kinds
 * of client, and the helpers that keep checks isolated although they share one server. The groups ({@link
 * EndpointChecks} ... {@link UntestedRules}) extend this interface and reach the running kit only through it;
 * {@link TckBase} implements it. Besides, they use the clients' classes ({@link RawHttp}, {@link RawSseStream},
 * {@link EventStream}), the static helpers of {@link CheckHelpers}, and {@link TckBase#kitSettings()}.
 */
public interface TckContext {

    /** Reads the server's JSON (answers, and the data of events). */
    ObjectMapper JSON = new ObjectMapper();

    /** An origin the default ALLOWED_ORIGINS allows: a workshop page served on another port. */
    String PAGE_ORIGIN = "http://localhost:5173";

    /** A counter that ticks once at once and then not for a minute: the stream is otherwise idle. */
    String COUNTER_IDLE = "/api/counter?interval=60000";
    String BROADCAST = "/api/broadcast";

    /** The timings a server reports in {@code GET /api/status}; the checks derive every deadline from them. */
    record ServerConfig(long retryMs, long heartbeatMs, int maxStreams, int historyCapacity) {
    }

    // ---- where the server is, and what it is set to

    /** The server's base URL, e.g. {@code http://127.0.0.1:54321/}. */
    URI base();

    ServerConfig config();

    /** What the kit speaks to the server: HTTP/1.1 in the clear or over TLS, or HTTP/2 (TLS, ALPN h2). */
    KitProtocol protocol();

    default boolean overHttp2() {
        return protocol() == KitProtocol.HTTP_2;
    }

    /**
     * Skips a check that only makes sense on an HTTP/1.1 connection when the kit runs over HTTP/2 (SPEC 12.4);
     * {@code overHttp2} says why, e.g. "there is no request line (its HTTP/2 form is checked by 12.6)".
     */
    default void assumeHttp11(String overHttp2) {
        Assumptions.assumeFalse(overHttp2(), () -> "HTTP/1.1 only (SPEC 12.4): " + protocol().describe() + ", "
                + overHttp2);
    }

    /**
     * {@code settings} plus the test class's own (TLS=self-signed for a run over TLS): what every server the kit starts
     * is started with, the processes of the "Running" checks included.
     */
    Map<String, String> withExtraSettings(Map<String, String> settings);

    /** "At once": half a heartbeat period (300 ms to 1 s), so a server that only flushes with heartbeats is caught. */
    Duration atOnce();

    /** SPEC: a client that closes its connection is noticed within 2 × HEARTBEAT_MS + 1 s. */
    Duration closeNoticeBound();

    /** SPEC: no stream is silent longer than HEARTBEAT_MS; this adds the scheduling jitter the kit tolerates. */
    Duration silenceLimit();

    /**
     * Skips a start-up check that TLS does not change, in a test class whose server's cleartext twin runs it (see
     * {@link TckBase#sameLaunchCheckedBy()}): each such check costs a JVM start.
     */
    void assumeLaunchNotCheckedElsewhere();

    /**
     * True when the server runs with {@link TckBase#kitSettings()}; false for a server the kit did not start ({@link
     * RemoteServerTck}): it runs with whatever settings it has. See {@link SseServerTck#startedWithKitSettings()}.
     */
    boolean runsWithKitSettings();

    /**
     * The command that starts the server as a process of its own, for the "Running" checks; empty when there is none
     * (those checks are then skipped). See {@link SseServerTck#launchCommand()}.
     */
    List<String> serverProcessCommand();

    /**
     * Checks that replay need a history of at least {@code events}: skipped, saying which setting to use, against a
     * server that keeps fewer (HISTORY_SIZE=0 keeps none, and is a valid setting).
     */
    void assumeHistoryOf(int events);

    /**
     * Checks of what one instance holds (its own streams, its limit, its process): skipped, saying why, against a
     * cluster, where each of the kit's connections may reach another instance (SPEC 11).
     */
    void assumeOneInstance(String rule);

    /** True when {@code /api/status} has a {@code cluster}: the kit talks to several instances behind one address. */
    boolean clustered();

    // ---- the JSON endpoints, with REST Assured

    /**
     * A REST Assured request to the server. REST Assured speaks HTTP/1.1 only (over TLS for an https server): the
     * checks use {@link #request}, which goes through it over HTTP/1.1 and through the kit's HTTP/2 client over HTTP/2.
     */
    RequestSpecification api();

    /** {@code GET /api/status}, which must answer 200 with JSON. */
    JsonNode status() throws IOException;

    long lastEventId() throws IOException;

    /** Open streams the server reports: {@code kind} is "counter" or "broadcast". */
    int openStreams(String kind) throws IOException;

    int openStreams() throws IOException;

    /** Publishes one text event and returns its id; fails unless the answer is 202. */
    long publish(String event, String body) throws IOException;

    /**
     * A request without a body and its whole answer: through REST Assured over HTTP/1.1, on a stream of the kit's one
     * connection over HTTP/2.
     */
    RawResponse request(String method, String target, String... headerLines) throws IOException;

    // ---- streams

    /**
     * A raw HTTP/1.1 connection to the server, for the checks about the wire itself. Over TLS it offers only
     * {@code http/1.1} by ALPN, so in a run over HTTP/2 it is HTTP/1.1 over TLS beside the kit's HTTP/2 connection.
     */
    RawHttp connect() throws IOException;

    /**
     * {@link #connect()} with SO_RCVBUF set before connecting: it bounds the TCP window the server may fill.
     */
    RawHttp connect(int receiveBufferBytes) throws IOException;

    /** The same to another server: a process a check started (with {@link #withExtraSettings}). */
    RawHttp connect(URI server) throws IOException;

    /**
     * {@code GET target}, head read; the frames are the caller's to read. On a raw socket of its own over HTTP/1.1, on a
     * stream of the kit's one connection over HTTP/2. Waits for room under MAX_STREAMS first.
     */
    RawSseStream openStream(String target, String... headerLines) throws IOException;

    /** {@link #openStream} without waiting for room: for the checks that fill MAX_STREAMS themselves. */
    RawSseStream openStreamNow(String target, String... headerLines) throws IOException;

    /** A stream read by okhttp-sse, opened (200) before this returns. */
    EventStream events(String target, Map<String, String> headers) throws IOException;

    EventStream events(String target) throws IOException;

    /**
     * For checks that count streams: waits until the streams of earlier checks are gone. They closed their
     * connections, and the SPEC says the server notices within 2 × HEARTBEAT_MS + 1 s; a server that does not has
     * broken that rule, so this check fails too (a skip here would hide the broken rule).
     */
    void awaitNoOpenStreams();

    /** Waits until the server holds fewer than MAX_STREAMS − k + 1 streams, so that k more can be opened. */
    void awaitRoomForStreams(int k);

    /** SPEC: the first frame of every stream is {@code retry: <RETRY_MS>}, alone. */
    void expectRetryFrame(RawSseStream stream, Duration within) throws IOException;

    /**
     * Reads a broadcast stream until the last presence event says {@code subscribers} and no other presence follows
     * for a moment (SPEC: bursts may be coalesced; the last number sent is the true one). Every presence frame on the
     * way must come without an id. Non-presence frames are skipped.
     */
    void awaitLastPresence(RawSseStream stream, int subscribers, Duration within) throws IOException;

    /**
     * A POST with exactly these header lines (Content-Length is added): on a raw socket over HTTP/1.1, on a stream
     * of the kit's one connection over HTTP/2.
     */
    RawResponse post(String target, String contentType, byte[] body, String... headerLines) throws IOException;
}
