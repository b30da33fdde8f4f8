package workshop.sse.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Many broadcast streams, opened and read by one thread with one selector, so the generator parks no thread per
 * stream and costs little beside the server. Opening is ramped (so many per second, a bounded number of handshakes
 * in flight, a deadline); every stream's events are checked (ids in order, none doubled) and timed from the send
 * time the publisher put in their data. Counters are written by the selector thread only; the others read them
 * after {@link #stop} (or, while it runs, the few volatile ones and the latency's {@link #latencySince intervals}).
 * The streams may be spread over several instances of a cluster (in turn, one to each), and every delivery is
 * counted and checked the same whichever instance it came through.
 */
final class Subscribers implements Streams {

    /** How to open the streams. */
    record Opening(int streams, int perSecond, int maxHandshakes, long handshakeTimeoutMs, long deadlineMs) {
    }

    private static final long MAX_LATENCY_MICROS = TimeUnit.MINUTES.toMicros(10);

    private final List<InetSocketAddress> addresses;
    private final List<byte[]> requests;
    private final Selector selector;
    private final Thread thread;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private final List<Subscriber> all = new ArrayList<>();
    private final CountDownLatch opened = new CountDownLatch(1);

    // written by the selector thread only
    private Opening plan;
    private long openStart;
    private long openEnd;
    private int started;
    private int handshakes;
    private int established;
    private final Map<String, Integer> failed = new TreeMap<>();
    private final Map<String, Integer> dropped = new TreeMap<>();
    private final Histogram connectMicros = new Histogram(MAX_LATENCY_MICROS, 3);
    private long doubled;
    private long outOfOrder;
    private final long[] deliveredThrough; // by address
    private long lastTimeoutCheck;

    private final Recorder latencyRecorder = new Recorder(MAX_LATENCY_MICROS, 3); // written here, read by any thread
    private final Histogram latencyMicros = new Histogram(MAX_LATENCY_MICROS, 3); // the intervals so far, added up
    private final AtomicLong delivered = new AtomicLong();
    private volatile int streaming; // established and not ended
    private volatile long firstDelivery;
    private volatile long lastDelivery;
    private volatile boolean counting = true; // false once the run is over: closes are then expected
    private volatile boolean stopping;

    Subscribers(String host, int port) throws IOException {
        this(host, List.of(port));
    }

    /** Streams spread over the servers at {@code ports}: the first stream to the first port, the next to the next. */
    Subscribers(String host, List<Integer> ports) throws IOException {
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("no port to open streams to");
        }
        this.addresses = ports.stream().map(port -> new InetSocketAddress(host, port)).toList();
        this.requests = ports.stream().map(port -> ("GET /api/broadcast HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII)).toList();
        this.deliveredThrough = new long[ports.size()];
        this.selector = Selector.open();
        this.thread = Thread.ofPlatform().name("bench-subscribers").unstarted(this::loop);
    }

    /** Starts opening streams as planned; they are read until {@link #stop}. */
    public void open(Opening plan) {
        this.plan = plan;
        this.openStart = System.nanoTime();
        thread.start();
    }

    /** Waits until every planned stream is established or has failed (the plan's deadline bounds this). */
    public void awaitOpened() throws InterruptedException {
        opened.await();
    }

    /** Waits at most {@code timeout} for the opening to end; true when it has. */
    boolean awaitOpened(long timeout, TimeUnit unit) throws InterruptedException {
        return opened.await(timeout, unit);
    }

    /** Streams open now: established, and not ended since. */
    int streaming() {
        return streaming;
    }

    /** Events delivered so far (of the publisher's, across all streams). */
    public long delivered() {
        return delivered.get();
    }

    /** From now on a closed stream is not counted as dropped: the run is over. */
    public void stopCounting() {
        counting = false;
    }

    /** Stops the selector thread; the counters are final after this. */
    public void stop() throws InterruptedException {
        stopping = true;
        selector.wakeup();
        thread.join(TimeUnit.SECONDS.toMillis(30));
    }

    /** Resets every stream (no TIME_WAIT left behind: the same ports are used again by the next run). */
    @Override
    public void close() {
        for (Subscriber subscriber : all) {
            try {
                subscriber.channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException | RuntimeException ignored) {
                // closed already
            }
            closeQuietly(subscriber.channel);
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public int established() {
        return established;
    }

    /** One connection per stream. */
    @Override
    public int connections() {
        return established;
    }

    public Map<String, Integer> failed() {
        return failed;
    }

    public Map<String, Integer> dropped() {
        return dropped;
    }

    public int droppedCount() {
        return dropped.values().stream().mapToInt(Integer::intValue).sum();
    }

    public double openSeconds() {
        return (openEnd - openStart) / 1e9;
    }

    public Histogram connectMicros() {
        return connectMicros;
    }

    /** Every delivery's latency so far, in microseconds. */
    public synchronized Histogram latencyMicros() {
        latencyMicros.add(latencyRecorder.getIntervalHistogram());
        return latencyMicros;
    }

    /** The latencies of the deliveries since the last call (or the start), in microseconds; from any thread. */
    synchronized Histogram latencySince() {
        Histogram interval = latencyRecorder.getIntervalHistogram();
        latencyMicros.add(interval);
        return interval;
    }

    public long doubled() {
        return doubled;
    }

    public long outOfOrder() {
        return outOfOrder;
    }

    /** The deliveries through the server at each port, in the order of the constructor's ports. */
    public long[] deliveredThrough() {
        return deliveredThrough.clone();
    }

    long firstDelivery() {
        return firstDelivery;
    }

    public long lastDelivery() {
        return lastDelivery;
    }

    /** CPU time the selector thread has used, in nanoseconds (-1 when the JVM cannot tell). */
    public long threadCpuNanos() {
        return ManagementFactory.getThreadMXBean().getThreadCpuTime(thread.threadId());
    }

    private void loop() {
        try {
            while (!stopping) {
                boolean opening = opened.getCount() > 0;
                if (opening) {
                    openDue();
                }
                selector.select(opening ? 1 : 100);
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    handle(key);
                }
                if (opening) {
                    checkHandshakes();
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("bench: the subscribers' thread failed: " + e);
            opened.countDown();
        }
    }

    private void openDue() {
        long now = System.nanoTime();
        long due = Math.min(plan.streams(), (now - openStart) * plan.perSecond() / 1_000_000_000L + 1);
        while (started < due && handshakes < plan.maxHandshakes()) {
            started++;
            handshakes++;
            Subscriber subscriber = new Subscriber(now, (started - 1) % addresses.size());
            all.add(subscriber);
            try {
                subscriber.channel = SocketChannel.open();
                subscriber.channel.configureBlocking(false);
                subscriber.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (subscriber.channel.connect(addresses.get(subscriber.target))) {
                    sendRequest(subscriber, subscriber.channel.register(selector, 0, subscriber));
                } else {
                    subscriber.channel.register(selector, SelectionKey.OP_CONNECT, subscriber);
                }
            } catch (IOException e) {
                fail(subscriber, "connect: " + reason(e));
            }
        }
    }

    private void handle(SelectionKey key) {
        Subscriber subscriber = (Subscriber) key.attachment();
        try {
            if (key.isConnectable()) {
                subscriber.channel.finishConnect();
                sendRequest(subscriber, key);
            } else if (key.isReadable()) {
                read(subscriber);
            }
        } catch (IOException | java.nio.channels.CancelledKeyException e) {
            ended(subscriber, reason(e));
        }
    }

    private void sendRequest(Subscriber subscriber, SelectionKey key) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(requests.get(subscriber.target));
        subscriber.channel.write(out);
        if (out.hasRemaining()) { // a fresh loopback socket takes a hundred bytes at once; never seen otherwise
            throw new IOException("request not sent whole");
        }
        key.interestOps(SelectionKey.OP_READ);
    }

    private void read(Subscriber subscriber) throws IOException {
        while (true) {
            readBuffer.clear();
            int n = subscriber.channel.read(readBuffer);
            if (n < 0) {
                ended(subscriber, "closed by the server");
                return;
            }
            if (n == 0) {
                return;
            }
            readBuffer.flip();
            if (!subscriber.reader.read(readBuffer)) {
                ended(subscriber, "malformed answer");
                return;
            }
            if (n < readBuffer.capacity()) {
                return;
            }
        }
    }

    private void checkHandshakes() {
        long now = System.nanoTime();
        if (now - lastTimeoutCheck < TimeUnit.MILLISECONDS.toNanos(100)) {
            return;
        }
        lastTimeoutCheck = now;
        boolean pastDeadline = now - openStart > TimeUnit.MILLISECONDS.toNanos(plan.deadlineMs());
        long timeout = TimeUnit.MILLISECONDS.toNanos(plan.handshakeTimeoutMs());
        for (Subscriber subscriber : all) {
            if (subscriber.state == State.HANDSHAKE && (pastDeadline || now - subscriber.started > timeout)) {
                fail(subscriber, pastDeadline ? "no answer by the deadline" : "no answer within "
                        + plan.handshakeTimeoutMs() / 1000 + " s");
            }
        }
        if (pastDeadline && started < plan.streams()) {
            failed.merge("not opened by the deadline", plan.streams() - started, Integer::sum);
            started = plan.streams();
        }
        openedIfDone();
    }

    private void ended(Subscriber subscriber, String why) {
        if (subscriber.state == State.HANDSHAKE) {
            fail(subscriber, why);
            return;
        }
        if (subscriber.state == State.STREAMING) {
            streaming--;
            if (counting) {
                dropped.merge(why, 1, Integer::sum);
            }
        }
        subscriber.state = State.CLOSED;
        closeQuietly(subscriber.channel);
    }

    private void fail(Subscriber subscriber, String why) {
        if (subscriber.state == State.HANDSHAKE) {
            handshakes--;
            failed.merge(why, 1, Integer::sum);
        }
        subscriber.state = State.CLOSED;
        closeQuietly(subscriber.channel);
        openedIfDone();
    }

    private void openedIfDone() {
        int failures = failed.values().stream().mapToInt(Integer::intValue).sum();
        if (opened.getCount() > 0 && established + failures >= plan.streams()) {
            openEnd = System.nanoTime();
            opened.countDown();
        }
    }

    private static String reason(Exception e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closed already
            }
        }
    }

    private enum State { HANDSHAKE, STREAMING, CLOSED }

    /** One stream. */
    private final class Subscriber implements StreamReader.Listener {
        final long started;
        final int target; // which of the addresses
        final StreamReader reader = new StreamReader(this);
        SocketChannel channel;
        State state = State.HANDSHAKE;
        long lastId;

        Subscriber(long started, int target) {
            this.started = started;
            this.target = target;
        }

        @Override
        public void head(int status) {
            if (status != 200) {
                fail(this, "status " + status);
                return;
            }
            handshakes--;
            established++;
            streaming++;
            state = State.STREAMING;
            connectMicros.recordValue(Math.min(MAX_LATENCY_MICROS, (System.nanoTime() - started) / 1000));
            openedIfDone();
        }

        @Override
        public void event(long id, long sentNanos) {
            if (sentNanos < 0) {
                return; // not the publisher's
            }
            long now = System.nanoTime();
            if (id <= lastId) {
                doubled++;
                return;
            }
            if (lastId != 0 && id != lastId + 1) {
                outOfOrder++;
            }
            lastId = id;
            deliveredThrough[target]++;
            latencyRecorder.recordValue(Math.max(0, Math.min(MAX_LATENCY_MICROS, (now - sentNanos) / 1000)));
            if (delivered.getAndIncrement() == 0) {
                firstDelivery = now;
            }
            lastDelivery = now;
        }
    }
}
