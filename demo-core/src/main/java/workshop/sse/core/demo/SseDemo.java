package workshop.sse.core.demo;

import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import workshop.sse.core.http.AcceptHeader;
import workshop.sse.core.http.ApiError;
import workshop.sse.core.http.CrossOrigin;
import workshop.sse.core.http.Json;
import workshop.sse.core.launch.Settings;
import workshop.sse.core.wire.SseFrames;
import workshop.sse.core.wire.SseStream;

/**
 * Everything the four servers share, behind one door: each server parses HTTP its own way, asks this class what
 * to answer, and streams the outboxes it hands out. Every decision about a stream (406, 400, 204, 503) is made
 * here, before a server writes anything, because once an SSE response has started its status cannot change.
 */
public final class SseDemo implements AutoCloseable {

    /** What to answer a GET on a stream endpoint. */
    public sealed interface Opening {
        /** Stream this: write the headers, then {@code retry:}, then drain the stream's outbox. */
        record Opened(SseStream stream) implements Opening {
        }

        /** 204: the counter has nothing left to send, and EventSource stops reconnecting. */
        record Finished() implements Opening {
        }

        /** A HEAD request: the stream's headers and no body; no stream is opened. */
        record HeadersOnly() implements Opening {
        }
    }

    /** The headers every SSE response carries (besides any cross-origin ones). */
    public static final Map<String, String> STREAM_HEADERS = Map.of(
            "Content-Type", "text/event-stream;charset=utf-8",
            "Cache-Control", "no-cache",
            "X-Accel-Buffering", "no");

    private final String server;
    private final String instance;
    private final String stack;
    private final Settings settings;
    private final CrossOrigin crossOrigin;
    private final Streams streams;
    private final Broadcast broadcast;
    private final RedisCluster cluster; // null: everything in memory
    private final ScheduledExecutorService timer;
    private final RuntimeFigures runtime = new RuntimeFigures();

    /**
     * @param server the implementation's name in /api/status ({@code javalin}, {@code undertow}, ...)
     * @param stack  free text naming the stack and its version
     */
    public SseDemo(String server, String stack, Settings settings) {
        this.server = server;
        this.instance = server + "-" + HexFormat.of().toHexDigits((short) new SecureRandom().nextInt());
        this.stack = stack;
        this.settings = settings;
        this.crossOrigin = new CrossOrigin(settings.allowedOrigins());
        this.streams = new Streams(settings.maxStreams());
        this.timer = Executors.newScheduledThreadPool(1, Thread.ofPlatform().name("sse-demo-timer").daemon().factory());
        this.broadcast = new Broadcast(settings.historySize(), paceLimitMs(settings), timer);
        try {
            this.cluster = settings.redis() == null ? null
                    : RedisCluster.start(settings.redis(), instance, broadcast, streams, paceLimitMs(settings));
        } catch (RuntimeException e) {
            timer.shutdownNow();
            throw e;
        }
        scheduleHeartbeats(settings.heartbeatMs());
    }

    /**
     * Every quarter of a heartbeat period, each stream silent for the rest of it gets a heartbeat: so none is silent
     * for a whole period, and the writers wait for their next message with no timer of their own.
     */
    private void scheduleHeartbeats(long heartbeatMs) {
        long sweepMs = Math.max(1, heartbeatMs / 4);
        long silence = TimeUnit.MILLISECONDS.toNanos(heartbeatMs - sweepMs);
        timer.scheduleAtFixedRate(() -> streams.heartbeat(System.nanoTime() - silence), sweepMs, sweepMs,
                TimeUnit.MILLISECONDS);
    }

    /**
     * How long a publish may wait for the fan-out to the subscribers that keep up. A stream that stalls costs the
     * publisher this once (after that it is behind, and not waited for), so it stays a small part of a heartbeat:
     * SPEC lets no stream be held up longer than that.
     */
    static long paceLimitMs(Settings settings) {
        return Math.min(settings.heartbeatMs() / 4, 1000);
    }

    public Settings settings() {
        return settings;
    }

    public CrossOrigin crossOrigin() {
        return crossOrigin;
    }

    /** {@code GET /api/counter}: its query's {@code interval} and {@code limit}, and where it resumes. */
    public Opening openCounter(StreamRequest request) {
        requireEventStream(request.accept());
        Counter.Plan plan = Counter.plan(request.query().apply("interval"), request.query().apply("limit"),
                EventIds.parse(request.lastEventId()));
        if (plan.alreadyDone()) {
            return new Opening.Finished();
        }
        if (request.head()) {
            return new Opening.HeadersOnly();
        }
        SseStream stream = admit(SseStream.Kind.COUNTER);
        Counter.start(stream, plan, timer);
        return new Opening.Opened(stream);
    }

    /** {@code GET /api/broadcast}: the Last-Event-ID header wins over the {@code lastEventId} query value. */
    public Opening openBroadcast(StreamRequest request) {
        requireEventStream(request.accept());
        if (request.head()) {
            return new Opening.HeadersOnly();
        }
        SseStream stream = admit(SseStream.Kind.BROADCAST);
        broadcast.subscribe(stream, EventIds.parse(request.lastEventId(), request.query().apply("lastEventId")));
        return new Opening.Opened(stream);
    }

    private static void requireEventStream(String accept) {
        if (!AcceptHeader.allowsEventStream(accept)) {
            throw new ApiError(406, "This endpoint answers text/event-stream only, which your Accept header rules out.");
        }
    }

    private SseStream admit(SseStream.Kind kind) {
        SseStream stream = streams.open(kind);
        if (stream == null) {
            throw new ApiError(503, "All " + settings.maxStreams() + " streams are taken; try again shortly.",
                    Map.of("Retry-After", "5"));
        }
        return stream;
    }

    /** {@code POST /api/broadcast}, checked head first and body last; returns the 202 answer's JSON. */
    public String publish(PublishRequest request, InputStream body) throws IOException {
        Publication.Head head = checkPublish(request);
        return publish(head.eventName(), Publication.readBody(head, body));
    }

    /** {@code POST /api/broadcast} in two steps, for a server that reads bodies without blocking: the head first. */
    public Publication.Head checkPublish(PublishRequest request) {
        crossOrigin.checkPost(request.origin());
        return Publication.checkHead(request);
    }

    /** ... then the whole body (refused with 413 when it is past the limit); returns the 202 answer's JSON. */
    public String publish(Publication.Head head, byte[] body) {
        return publish(head.eventName(), Publication.checkBody(head, body));
    }

    private String publish(String eventName, String data) {
        return (cluster == null ? broadcast.publish(eventName, data) : cluster.publish(eventName, data)).json();
    }

    /** {@code POST /api/disconnect}: closes every stream; returns the answer's JSON. */
    public String disconnectAll(String origin) {
        crossOrigin.checkPost(origin);
        return Json.object("closed", streams.closeAll());
    }

    /** {@code GET /api/status}. */
    public String statusJson() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("server", server);
        status.put("instance", instance);
        status.put("stack", stack);
        status.put("java", Runtime.version().toString());
        int counters = streams.count(SseStream.Kind.COUNTER);
        status.put("streams", Map.of(
                "counter", counters,
                "broadcast", streams.count(SseStream.Kind.BROADCAST)));
        status.put("lastEventId", broadcast.lastEventId());
        status.put("history", Map.of("size", broadcast.historySize(), "capacity", broadcast.capacity()));
        status.put("cluster", cluster == null ? null : cluster.status(counters));
        status.put("config", Map.of(
                "retryMs", settings.retryMs(),
                "heartbeatMs", settings.heartbeatMs(),
                "maxStreams", settings.maxStreams()));
        status.put("runtime", runtime.read());
        return Json.write(status);
    }

    /** For tests: the instance dies as a killed process would (its streams stay, Redis still counts it). */
    void dieWithoutTelling() {
        cluster.dieSilently();
    }

    /** The first frame of every stream. */
    public String retryFrame() {
        return SseFrames.retry(settings.retryMs());
    }

    @Override
    public void close() {
        streams.closeAll();
        if (cluster != null) {
            cluster.close();
        }
        timer.shutdownNow();
    }
}
