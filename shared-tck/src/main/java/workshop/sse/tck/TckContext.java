package workshop.sse.tck;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.restassured.specification.RequestSpecification;

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

    /** "At once": half a heartbeat period (300 ms to 1 s), so a server that only flushes with heartbeats is caught. */
    Duration atOnce();

    /** SPEC: a client that closes its connection is noticed within 2 × HEARTBEAT_MS + 1 s. */
    Duration closeNoticeBound();

    /** SPEC: no stream is silent longer than HEARTBEAT_MS; this adds the scheduling jitter the kit tolerates. */
    Duration silenceLimit();

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

    /** A REST Assured request to the server. */
    RequestSpecification api();

    /** {@code GET /api/status}, which must answer 200 with JSON. */
    JsonNode status() throws IOException;

    long lastEventId() throws IOException;

    /** Open streams the server reports: {@code kind} is "counter" or "broadcast". */
    int openStreams(String kind) throws IOException;

    int openStreams() throws IOException;

    /** Publishes one text event and returns its id; fails unless the answer is 202. */
    long publish(String event, String body) throws IOException;

    // ---- streams

    /** A raw connection to the server. */
    RawHttp connect() throws IOException;

    /** {@code GET target} on a raw socket, head read; the frames are the caller's to read. */
    RawSseStream openStream(String target, String... headerLines) throws IOException;

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

    /** A POST on a raw socket, with exactly these header lines (Content-Length is added). */
    RawResponse post(String target, String contentType, byte[] body, String... headerLines) throws IOException;
}
