package workshop.sse.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.HdrHistogram.Histogram;

/**
 * One profile against one server: open the streams, let them settle, publish, wait for every delivery (or the
 * grace period), and read the figures. Given the server's process, it also reads its memory and CPU. Everything is
 * bounded in time: a run ends by itself within its plan plus {@link #GRACE_MS}. The server may be a cluster: the
 * streams are then spread over its instances and every event is published to the first, so the others deliver
 * what crossed the cluster's Redis; their memory and CPU are added up, and Redis's CPU is read when it is known.
 * The streams go over the run's {@link Transport}: the bench's own cleartext selector, or Jetty's client (over TLS,
 * HTTP/2 too; the publisher then posts over TLS).
 */
final class LoadRun {

    /** What one run measured. */
    record Result(Map<Figure, Double> figures, Map<String, Integer> failed, Map<String, Integer> dropped,
                  Map<String, Integer> publishFailed, List<String> notes) {
        double get(Figure figure) {
            return figures.getOrDefault(figure, Double.NaN);
        }
    }

    static final long GRACE_MS = 10_000;
    static final int MAX_HANDSHAKES = 512;
    /** Fewer over TLS: a few hundred handshakes at once on two cores all outlast their timeout, and none completes. */
    static final int MAX_TLS_HANDSHAKES = 64;
    static final long HANDSHAKE_TIMEOUT_MS = 10_000;
    static final double BUSY_GENERATOR = 0.9;

    private final String host;
    private final List<Integer> ports; // the instances; the first is published to
    private final int port;
    private final List<ProcessProbe> servers; // none when the server's processes are not known
    private final ProcessProbe redis; // null when there is none, or it is not known
    private final Transport transport;
    private final SSLContext tls; // the publisher's, over TLS; null otherwise

    LoadRun(String host, int port, ProcessProbe server) {
        this(host, List.of(port), server == null ? List.of() : List.of(server), null);
    }

    LoadRun(String host, List<Integer> ports, List<ProcessProbe> servers, ProcessProbe redis) {
        this(host, ports, servers, redis, Transport.BENCH_HTTP1);
    }

    LoadRun(String host, List<Integer> ports, List<ProcessProbe> servers, ProcessProbe redis, Transport transport) {
        if (transport.jetty() && ports.size() != 1) {
            throw new IllegalArgumentException("Jetty's client loads one instance, not a cluster");
        }
        this.transport = transport;
        this.tls = transport.tls ? LoopbackTls.context() : null;
        this.host = host;
        this.ports = List.copyOf(ports);
        this.port = ports.get(0);
        this.servers = List.copyOf(servers);
        this.redis = redis;
    }

    /**
     * Runs {@code profile}. {@code stopServer} runs once the figures are read: with the streams still open after the
     * idle profile (a shutdown with every stream open), after the streams are reset otherwise (every client gone).
     */
    Result run(Profile profile, Runnable stopServer) throws IOException, InterruptedException {
        Map<Figure, Double> figures = new EnumMap<>(Figure.class);
        List<String> notes = new ArrayList<>();
        Map<String, Integer> publishFailed = new TreeMap<>();
        figures.put(Figure.STREAMS, (double) profile.streams());
        boolean known = !servers.isEmpty();
        long rssBefore = servers.stream().mapToLong(ProcessProbe::rssKiB).sum();
        if (known) {
            figures.put(Figure.RSS_BEFORE_MIB, rssBefore / 1024.0);
        }

        try (Streams subscribers = streams(profile)) {
            long openDeadlineMs = profile.streams() * 1000L / profile.openPerSecond() + 30_000;
            subscribers.open(new Subscribers.Opening(profile.streams(), profile.openPerSecond(),
                    transport.tls ? MAX_TLS_HANDSHAKES : MAX_HANDSHAKES,
                    HANDSHAKE_TIMEOUT_MS, openDeadlineMs));
            subscribers.awaitOpened();
            int established = subscribers.established();
            figures.put(Figure.ESTABLISHED, (double) established);
            figures.put(Figure.CONNECTIONS, (double) subscribers.connections());
            figures.put(Figure.FAILED, (double) (profile.streams() - established));
            figures.put(Figure.OPEN_SECONDS, subscribers.openSeconds());
            figures.put(Figure.CONNECT_P50_MS, millis(subscribers.connectMicros(), 50));
            figures.put(Figure.CONNECT_P99_MS, millis(subscribers.connectMicros(), 99));

            // let the presence rounds that the opening caused go out before anything is read or published
            Thread.sleep(profile.publishing() == Profile.Publishing.NONE
                    ? profile.pauses().idleSettleMs() : profile.pauses().settleMs());
            if (known && established > 0) {
                long rss = servers.stream().mapToLong(ProcessProbe::rssKiB).sum();
                figures.put(Figure.RSS_PER_STREAM_KIB, (rss - rssBefore) / (double) established);
                figures.put(Figure.THREADS, (double) servers.stream().mapToLong(ProcessProbe::threads).sum());
            }

            if (profile.publishing() != Profile.Publishing.NONE && established > 0) {
                publish(profile, subscribers, figures, publishFailed, notes);
            }
            subscribers.stopCounting();
            if (profile.publishing() == Profile.Publishing.NONE) {
                stopServer.run(); // the server stops with every stream open: its shutdown is part of the run
                subscribers.stop();
            } else {
                subscribers.stop();
                subscribers.close(); // every client vanishes at once (reset), and the next event finds them gone:
                Thread.sleep(profile.pauses().leaveMs() / 4); // noticing that, quietly, is part of the run
                new Publisher(host, port, tls).backToBack(1, System.nanoTime() + TimeUnit.SECONDS.toNanos(10), "gone");
                Thread.sleep(profile.pauses().leaveMs());
                stopServer.run();
            }
            figures.put(Figure.DROPPED, (double) subscribers.droppedCount());
            figures.put(Figure.DOUBLED, (double) subscribers.doubled());
            figures.put(Figure.OUT_OF_ORDER, (double) subscribers.outOfOrder());
            long[] through = subscribers.deliveredThrough();
            figures.put(Figure.CROSSED, (double) (Arrays.stream(through).sum() - through[0]));
            return new Result(figures, new TreeMap<>(subscribers.failed()), new TreeMap<>(subscribers.dropped()),
                    publishFailed, notes);
        }
    }

    private Streams streams(Profile profile) throws IOException {
        if (!transport.jetty()) {
            return new Subscribers(host, ports);
        }
        try {
            return new ClientStreams(host, port, transport, profile.streams());
        } catch (Exception e) {
            throw new IOException("Jetty's client did not start: " + e, e);
        }
    }

    private void publish(Profile profile, Streams subscribers, Map<Figure, Double> figures,
                         Map<String, Integer> publishFailed, List<String> notes) throws InterruptedException {
        warmUp(profile);
        int streams = subscribers.established() - subscribers.droppedCount();
        ProcessProbe generator = ProcessProbe.self();
        long serverCpu = cpuNanos(servers);
        long redisCpu = redis == null ? 0 : redis.cpuNanos();
        long generatorCpu = generator.cpuNanos();
        long readerCpu = subscribers.threadCpuNanos();
        long start = System.nanoTime();

        Publisher publisher = new Publisher(host, port, tls);
        long publishDeadline = start + TimeUnit.SECONDS.toNanos(
                profile.publishing() == Profile.Publishing.OPEN_LOOP ? (long) profile.seconds() + 30 : 120);
        Publisher.Outcome outcome = profile.publishing() == Profile.Publishing.OPEN_LOOP
                ? publisher.openLoop(profile.perSecond(), profile.seconds(), publishDeadline, "")
                : publisher.backToBack(profile.events(), publishDeadline, "");
        long expected = outcome.acknowledged() * streams;
        long graceEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GRACE_MS);
        while (subscribers.delivered() < expected && System.nanoTime() < graceEnd) {
            Thread.sleep(5);
        }
        long delivered = subscribers.delivered();
        long end = delivered >= expected ? subscribers.lastDelivery() : System.nanoTime();
        double wall = (end - start) / 1e9;

        figures.put(Figure.PUBLISHED, (double) outcome.acknowledged());
        figures.put(Figure.PUBLISH_FAILED, (double) outcome.failed().values().stream().mapToInt(i -> i).sum());
        publishFailed.putAll(outcome.failed());
        figures.put(Figure.PUBLISH_RATE, outcome.perSecond());
        figures.put(Figure.MAX_LATE_MS, outcome.maxLateMs());
        figures.put(Figure.ANSWER_P50_MS, millis(outcome.answerMicros(), 50));
        figures.put(Figure.ANSWER_P99_MS, millis(outcome.answerMicros(), 99));
        figures.put(Figure.EXPECTED, (double) expected);
        figures.put(Figure.DELIVERED, (double) delivered);
        figures.put(Figure.LOST, (double) Math.max(0, expected - delivered));
        figures.put(Figure.DELIVERIES_PER_SECOND,
                delivered == 0 ? 0 : delivered / ((subscribers.lastDelivery() - start) / 1e9));
        Histogram latency = subscribers.latencyMicros();
        figures.put(Figure.LATENCY_P50_MS, millis(latency, 50));
        figures.put(Figure.LATENCY_P90_MS, millis(latency, 90));
        figures.put(Figure.LATENCY_P99_MS, millis(latency, 99));
        figures.put(Figure.LATENCY_MAX_MS, latency.getMaxValue() / 1000.0);
        if (redis != null) {
            figures.put(Figure.REDIS_CPU_PER_PUBLISH_US, outcome.acknowledged() == 0 ? Double.NaN
                    : (redis.cpuNanos() - redisCpu) / 1000.0 / outcome.acknowledged());
        }
        if (!servers.isEmpty()) {
            long cpu = cpuNanos(servers) - serverCpu;
            figures.put(Figure.SERVER_CPU_SECONDS, cpu / 1e9);
            figures.put(Figure.CPU_PER_DELIVERY_US, delivered == 0 ? Double.NaN : cpu / 1000.0 / delivered);
        }
        figures.put(Figure.GENERATOR_CPU_SECONDS, (generator.cpuNanos() - generatorCpu) / 1e9);
        double busy = (subscribers.threadCpuNanos() - readerCpu) / 1e9 / wall;
        figures.put(Figure.GENERATOR_BUSY, busy);
        if (busy > BUSY_GENERATOR) {
            notes.add(busyNote(busy));
        }
        if (delivered < expected) {
            notes.add((expected - delivered) + " of " + expected + " deliveries did not arrive within "
                    + GRACE_MS / 1000 + " s of the last publish");
        }
    }

    /**
     * The same publishing, briefly, before anything is measured: a fresh JVM spends its first seconds compiling its
     * hot paths, and the comparison is about the stacks, not their warm-up. These events' data does not start with
     * a send time, so the subscribers do not count them; their deliveries are given time to finish.
     */
    private void warmUp(Profile profile) throws InterruptedException {
        Publisher publisher = new Publisher(host, port, tls);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        if (profile.publishing() == Profile.Publishing.OPEN_LOOP) {
            publisher.openLoop(profile.perSecond(), profile.pauses().warmUpSeconds(), deadline, "warm-up");
        } else {
            publisher.backToBack(Math.max(1, profile.events() / 5), deadline, "warm-up");
        }
        Thread.sleep(profile.pauses().afterWarmUpMs());
    }

    /** Said when the generator's reader thread was busy more than {@link #BUSY_GENERATOR} of the time. */
    static String busyNote(double busy) {
        return String.format("the generator's reader thread was busy %.0f%% of the time: it may be the bottleneck",
                busy * 100);
    }

    private static long cpuNanos(List<ProcessProbe> processes) {
        return processes.stream().mapToLong(ProcessProbe::cpuNanos).sum();
    }

    private static double millis(Histogram micros, double percentile) {
        return micros.getTotalCount() == 0 ? Double.NaN : micros.getValueAtPercentile(percentile) / 1000.0;
    }
}
