package workshop.sse.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpClientTransport;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Broadcast streams opened by Jetty's HttpClient: over HTTP/2, many streams multiplexed on each connection (as many
 * as the server's {@code SETTINGS_MAX_CONCURRENT_STREAMS} allows, the pool opening another connection when one is
 * full, at least {@link #STREAMS_PER_CONNECTION} on each), or over HTTP/1.1, one connection per stream. The client is
 * asynchronous: a selector and a small pool of threads read every stream, none parked per stream. Each stream's body
 * is read by a {@link StreamReader} and checked and timed as {@link Subscribers} does; the counters shared between
 * the client's threads are atomic or guarded by this object.
 */
final class ClientStreams implements Streams {

    /** The fewest streams an HTTP/2 connection carries before the pool opens another (SPEC 12.5's minimum). */
    static final int STREAMS_PER_CONNECTION = 100;
    private static final int THREADS = 32;
    private static final long MAX_LATENCY_MICROS = TimeUnit.MINUTES.toMicros(10);
    private static final String THREAD_NAME = "bench-client";

    private final Transport transport;
    private final URI url;
    private final HttpClient client;
    private final List<Stream> all = new ArrayList<>(); // guarded by this
    private final Set<SocketAddress> connections = ConcurrentHashMap.newKeySet();
    private final CountDownLatch opened = new CountDownLatch(1);
    private Thread opener;
    private Subscribers.Opening plan;
    private Semaphore handshakes;
    private long openStart;
    private volatile long openEnd;

    // guarded by this
    private int established;
    private int failures;
    private final Map<String, Integer> failed = new TreeMap<>();
    private final Map<String, Integer> dropped = new TreeMap<>();
    private final Histogram connectMicros = new Histogram(MAX_LATENCY_MICROS, 3);

    private final Recorder latencyRecorder = new Recorder(MAX_LATENCY_MICROS, 3); // any number of writers
    private final Histogram latencyMicros = new Histogram(MAX_LATENCY_MICROS, 3);
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong doubled = new AtomicLong();
    private final AtomicLong outOfOrder = new AtomicLong();
    private volatile long lastDelivery;
    private volatile boolean counting = true;
    private volatile boolean stopped;

    ClientStreams(String host, int port, Transport transport, int streams) throws Exception {
        if (!transport.jetty()) {
            throw new IllegalArgumentException(transport + " is read by the bench's own selector (Subscribers)");
        }
        this.transport = transport;
        this.url = URI.create((transport.tls ? "https" : "http") + "://" + host + ":" + port + "/api/broadcast");
        QueuedThreadPool threads = new QueuedThreadPool(THREADS, 2);
        threads.setName(THREAD_NAME);
        ClientConnector connector = new ClientConnector();
        connector.setSelectors(1);
        connector.setExecutor(threads);
        connector.setSslContextFactory(LoopbackTls.jettyFactory());
        HttpClientTransport http;
        if (transport.http2) {
            HTTP2Client http2 = new HTTP2Client(connector);
            // the connection's window is shared by all its streams: room for each stream's share of a burst
            http2.setInitialSessionRecvWindow(16 * 1024 * 1024);
            http = new HttpClientTransportOverHTTP2(http2);
        } else {
            http = new HttpClientTransportOverHTTP(connector);
        }
        client = new HttpClient(http);
        client.setExecutor(threads);
        client.setMaxConnectionsPerDestination(transport.http2
                ? Math.max(1, (streams + STREAMS_PER_CONNECTION - 1) / STREAMS_PER_CONNECTION) : Math.max(1, streams));
        client.setMaxRequestsQueuedPerDestination(Math.max(1024, streams));
        client.setIdleTimeout(TimeUnit.MINUTES.toMillis(2));
        client.setConnectTimeout(LoadRun.HANDSHAKE_TIMEOUT_MS);
        client.setFollowRedirects(false);
        client.start();
    }

    @Override
    public void open(Subscribers.Opening plan) {
        this.plan = plan;
        this.handshakes = new Semaphore(plan.maxHandshakes());
        this.openStart = System.nanoTime();
        opener = Thread.ofPlatform().name("bench-opener").start(this::openAll);
    }

    /** Starts the streams on schedule, a bounded number in flight, until all are started or the deadline. */
    private void openAll() {
        long deadline = openStart + TimeUnit.MILLISECONDS.toNanos(plan.deadlineMs());
        long period = 1_000_000_000L / plan.perSecond();
        for (int i = 0; i < plan.streams(); i++) {
            for (long wait = openStart + i * period - System.nanoTime(); wait > 0 && !stopped;
                    wait = openStart + i * period - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            boolean free = false;
            try {
                free = !stopped && handshakes.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!free) {
                synchronized (this) {
                    failed.merge("not opened by the deadline", plan.streams() - i, Integer::sum);
                    failures += plan.streams() - i;
                    openedIfDone();
                }
                return;
            }
            Stream stream = new Stream();
            synchronized (this) {
                all.add(stream);
            }
            stream.start();
        }
    }

    @Override
    public void awaitOpened() throws InterruptedException {
        opened.await();
    }

    @Override
    public void stopCounting() {
        counting = false;
    }

    @Override
    public void stop() throws InterruptedException {
        stopped = true;
        if (opener != null) {
            opener.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    /** Every stream reset at once (over HTTP/1.1 its connection closed), then the client's connections closed. */
    @Override
    public void close() {
        stopped = true;
        List<Stream> streams;
        synchronized (this) {
            streams = List.copyOf(all);
        }
        streams.forEach(stream -> stream.request.abort(new java.io.IOException("the bench is done")));
        try {
            client.stop();
        } catch (Exception e) {
            System.err.println("bench: stopping the HTTP client: " + e);
        }
    }

    @Override
    public synchronized int established() {
        return established;
    }

    @Override
    public int connections() {
        return connections.size();
    }

    @Override
    public synchronized Map<String, Integer> failed() {
        return new TreeMap<>(failed);
    }

    @Override
    public synchronized Map<String, Integer> dropped() {
        return new TreeMap<>(dropped);
    }

    @Override
    public synchronized int droppedCount() {
        return dropped.values().stream().mapToInt(Integer::intValue).sum();
    }

    @Override
    public double openSeconds() {
        return (openEnd - openStart) / 1e9;
    }

    @Override
    public synchronized Histogram connectMicros() {
        return connectMicros.copy();
    }

    @Override
    public synchronized Histogram latencyMicros() {
        latencyMicros.add(latencyRecorder.getIntervalHistogram());
        return latencyMicros;
    }

    @Override
    public long delivered() {
        return delivered.get();
    }

    @Override
    public long lastDelivery() {
        return lastDelivery;
    }

    @Override
    public long doubled() {
        return doubled.get();
    }

    @Override
    public long outOfOrder() {
        return outOfOrder.get();
    }

    @Override
    public long[] deliveredThrough() {
        return new long[] {delivered.get()};
    }

    /** The CPU the client's threads have used (its selector among them); threads that ended are not counted. */
    @Override
    public long threadCpuNanos() {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo info : bean.getThreadInfo(bean.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(THREAD_NAME)) {
                sum += Math.max(0, bean.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    private void openedIfDone() { // holding this
        if (opened.getCount() > 0 && established + failures >= plan.streams()) {
            openEnd = System.nanoTime();
            opened.countDown();
        }
    }

    private static String reason(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    private enum State { HANDSHAKE, STREAMING, CLOSED }

    /** One stream: its request, and the reading of its body. */
    private final class Stream implements Response.Listener, StreamReader.Listener {
        final long started = System.nanoTime();
        final StreamReader reader = StreamReader.body(this);
        final Request request = client.newRequest(url)
                .headers(headers -> headers.put(HttpHeader.ACCEPT, "text/event-stream"))
                .idleTimeout(2, TimeUnit.MINUTES);
        State state = State.HANDSHAKE; // guarded by ClientStreams.this
        long lastId; // read and written by this stream's content callbacks, which Jetty runs one at a time

        void start() {
            client.getScheduler().schedule(() -> {
                if (handshaking()) {
                    request.abort(new java.io.IOException("no answer within "
                            + plan.handshakeTimeoutMs() / 1000 + " s"));
                }
            }, plan.handshakeTimeoutMs(), TimeUnit.MILLISECONDS);
            request.send(this);
        }

        private boolean handshaking() {
            synchronized (ClientStreams.this) {
                return state == State.HANDSHAKE;
            }
        }

        @Override
        public void onHeaders(Response response) {
            HttpVersion expected = transport.http2 ? HttpVersion.HTTP_2 : HttpVersion.HTTP_1_1;
            if (response.getStatus() != 200) {
                response.abort(new java.io.IOException("status " + response.getStatus()));
            } else if (response.getVersion() != expected) { // what is measured is the protocol the table says
                response.abort(new java.io.IOException("answered over " + response.getVersion()));
            } else {
                org.eclipse.jetty.client.Connection connection = request.getConnection();
                if (connection != null) {
                    connections.add(connection.getLocalSocketAddress());
                }
                synchronized (ClientStreams.this) {
                    if (state != State.HANDSHAKE) {
                        return;
                    }
                    state = State.STREAMING;
                    established++;
                    handshakes.release();
                    connectMicros.recordValue(Math.min(MAX_LATENCY_MICROS, (System.nanoTime() - started) / 1000));
                    openedIfDone();
                }
            }
        }

        @Override
        public void onContent(Response response, ByteBuffer content) {
            if (!stopped && !reader.read(content)) {
                response.abort(new java.io.IOException("malformed answer"));
            }
        }

        @Override
        public void onComplete(Result result) {
            String why = result.isFailed() ? reason(result.getFailure()) : "closed by the server";
            synchronized (ClientStreams.this) {
                if (state == State.HANDSHAKE) {
                    handshakes.release();
                    failed.merge(why, 1, Integer::sum);
                    failures++;
                    openedIfDone();
                } else if (state == State.STREAMING && counting) {
                    dropped.merge(why, 1, Integer::sum);
                }
                state = State.CLOSED;
            }
        }

        @Override
        public void head(int status) {
            // the client has read the head already
        }

        @Override
        public void event(long id, long sentNanos) {
            if (sentNanos < 0) {
                return; // not the publisher's
            }
            long now = System.nanoTime();
            if (id <= lastId) {
                doubled.incrementAndGet();
                return;
            }
            if (lastId != 0 && id != lastId + 1) {
                outOfOrder.incrementAndGet();
            }
            lastId = id;
            latencyRecorder.recordValue(Math.max(0, Math.min(MAX_LATENCY_MICROS, (now - sentNanos) / 1000)));
            delivered.incrementAndGet();
            lastDelivery = now;
        }
    }
}
