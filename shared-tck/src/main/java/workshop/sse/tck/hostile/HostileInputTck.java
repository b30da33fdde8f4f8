package workshop.sse.tck.hostile;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import workshop.sse.tck.RawHttp;
import workshop.sse.tck.RawResponse;
import workshop.sse.tck.RawSseStream;
import workshop.sse.tck.ServerUnderTest;
import workshop.sse.tck.SseFrame;
import workshop.sse.tck.TckBase;

/**
 * SPEC, HTTP hygiene: "No bad request, however malformed or slow, stops the server or disturbs another client's
 * stream." Throws {@link HostileCorpus} (10,000 requests, fixed seed) plus a few slow drips at one server while a
 * broadcast subscriber watches a numbered event published every 20 ms, then checks that every request got an answer
 * or a closed connection (never a 5xx, a hang or a non-HTTP reply), the server still works, the subscriber missed
 * nothing, and no threads or file descriptors leaked.
 *
 * <p>The server runs in the test's JVM, so its threads and descriptors are this JVM's. Threads are counted as platform
 * threads other than virtual-thread carriers (whose pool the JDK grows and shrinks on its own). Before counting, a
 * warm-up burst (another seed) lets the server's pools reach their working size, so that pool growth is not taken for
 * a leak, while a real leak (per request) still shows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
public abstract class HostileInputTck {

    public static final int CORPUS_SIZE = 10_000;
    public static final int WORKERS = 48;
    public static final int THREAD_TOLERANCE = 5;
    public static final int FD_TOLERANCE = 10;
    private static final String SEQ_EVENT = "hostile-seq";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ServerUnderTest server;
    private URI base;

    /** Starts the server under test in this JVM, as {@code SseServerTck#startServer} does. */
    protected abstract ServerUnderTest startServer(Map<String, String> settings) throws Exception;

    /** The kit's settings, with room for the corpus's streams and a longer history for the subscriber. */
    public static Map<String, String> hostileSettings() {
        Map<String, String> settings = new LinkedHashMap<>(TckBase.kitSettings());
        settings.put("HISTORY_SIZE", "50");
        settings.put("MAX_STREAMS", "64");
        return settings;
    }

    @BeforeAll
    final void start() throws Exception {
        server = startServer(hostileSettings());
        URI uri = server.baseUri();
        base = URI.create("http://" + uri.getHost() + ":" + uri.getPort() + "/");
    }

    @AfterAll
    final void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("SPEC HTTP hygiene: 10,000 hostile requests and a few slow drips stop nothing, disturb no stream, leak nothing")
    void hostileInput() throws Exception {
        long started = System.nanoTime();
        String name = statusJson().path("server").asText("?");
        HostileSender sender = new HostileSender(base.getHost(), base.getPort());
        List<String> problems = new ArrayList<>();

        // the subscriber, and the publisher of numbered events
        RawSseStream stream = RawSseStream.open(base, "GET", "/api/broadcast");
        if (stream.status() != 200) {
            fail("GET /api/broadcast answered " + stream.status());
        }
        List<long[]> received = new CopyOnWriteArrayList<>(); // {id, 1 if ours}
        List<String> streamProblems = new CopyOnWriteArrayList<>();
        AtomicBoolean reading = new AtomicBoolean(true);
        Thread reader = Thread.ofVirtual().name("hostile-subscriber").start(() -> {
            try {
                while (reading.get()) {
                    SseFrame frame = stream.poll(Duration.ofMillis(300));
                    if (frame == null) {
                        if (stream.ended()) {
                            streamProblems.add("the broadcast stream ended during the hostile run");
                            return;
                        }
                        continue;
                    }
                    if (frame.isEvent() && frame.has("id")) {
                        received.add(new long[] {Long.parseLong(frame.id()),
                                SEQ_EVENT.equals(frame.event()) ? 1 : 0});
                    }
                }
            } catch (IOException | RuntimeException e) {
                streamProblems.add("the subscriber failed: " + e);
            }
        });
        List<Long> published = Collections.synchronizedList(new ArrayList<>());
        List<String> publishProblems = new CopyOnWriteArrayList<>();
        AtomicBoolean publishing = new AtomicBoolean(true);
        Thread publisher = Thread.ofVirtual().name("hostile-publisher").start(() -> {
            int n = 0;
            while (publishing.get()) {
                long next = System.nanoTime() + 20_000_000L;
                n++;
                try {
                    RawResponse r = publish(SEQ_EVENT, "seq " + n);
                    if (r.status() == 202) {
                        published.add(r.json().path("id").asLong());
                    } else {
                        publishProblems.add("publish " + n + " answered " + r.status());
                    }
                } catch (IOException | RuntimeException e) {
                    publishProblems.add("publish " + n + " failed: " + e);
                }
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    try {
                        Thread.sleep(Duration.ofNanos(sleep));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });

        // warm-up (another seed, not counted), then "before"
        HostileSender warm = new HostileSender(base.getHost(), base.getPort());
        warm.sendAll(HostileCorpus.generate(HostileCorpus.SEED + 1, 500), WORKERS);
        warm.shutdown();
        Thread.sleep(1_000);
        int threadsBefore = platformThreads();
        int fdsBefore = openFds();
        Map<String, Long> fdKindsBefore = fdKinds();
        java.util.Set<Long> threadIdsBefore = Thread.getAllStackTraces().keySet().stream().map(Thread::threadId)
                .collect(Collectors.toSet());

        // the corpus, with the slow drips alongside
        List<HostileCorpus.HostileRequest> corpus = HostileCorpus.generate(HostileCorpus.SEED, CORPUS_SIZE);
        long corpusStart = System.nanoTime();
        List<Thread> drips = new ArrayList<>();
        Map<String, String> dripOutcomes = Collections.synchronizedMap(new TreeMap<>());
        for (SlowDrip drip : SlowDrip.values()) {
            drips.add(Thread.ofVirtual().name("hostile-drip-" + drip).start(
                    () -> dripOutcomes.put(drip.name(), drip.run(base))));
        }
        sender.sendAll(corpus, WORKERS);
        long corpusMs = (System.nanoTime() - corpusStart) / 1_000_000;
        for (Thread t : drips) {
            t.join();
        }
        Thread.sleep(200);
        publishing.set(false);
        publisher.join();
        sender.shutdown();

        // the server still works
        int statusCode = -1;
        try {
            statusCode = rawGet("/api/status").status();
        } catch (IOException e) {
            problems.add("GET /api/status after the run failed: " + e);
        }
        if (statusCode != 200) {
            problems.add("GET /api/status after the run answered " + statusCode);
        }
        long finalId = -1;
        try {
            RawResponse r = publish(SEQ_EVENT, "final");
            if (r.status() == 202) {
                finalId = r.json().path("id").asLong();
                published.add(finalId);
            } else {
                problems.add("a normal publish after the run answered " + r.status() + " " + r.text());
            }
        } catch (IOException e) {
            problems.add("a normal publish after the run failed: " + e);
        }

        // the subscriber got every id exactly once, in order
        long lastPublished = published.isEmpty() ? -1 : published.get(published.size() - 1);
        long waitUntil = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < waitUntil && streamProblems.isEmpty()
                && received.stream().noneMatch(e -> e[0] == lastPublished)) {
            Thread.sleep(50);
        }
        reading.set(false);
        reader.join(2_000);
        stream.abort();
        problems.addAll(streamProblems);
        problems.addAll(publishProblems.stream().limit(5).toList());
        if (publishProblems.size() > 5) {
            problems.add("... " + (publishProblems.size() - 5) + " more failed publishes");
        }
        List<Long> ours = received.stream().filter(e -> e[1] == 1).map(e -> e[0]).toList();
        List<Long> expected = List.copyOf(published);
        if (!ours.equals(expected)) {
            problems.add("the subscriber's " + SEQ_EVENT + " ids differ from the published ones: published "
                    + expected.size() + ", received " + ours.size() + "; " + firstDifference(expected, ours));
        }
        List<Long> all = received.stream().map(e -> e[0]).toList();
        for (int i = 1; i < all.size(); i++) {
            if (all.get(i) != all.get(i - 1) + 1) {
                problems.add("the stream's ids are not consecutive: " + all.get(i - 1) + " then " + all.get(i)
                        + " (at event " + i + ")");
                break;
            }
        }

        // every hostile request got an answer, or a closed connection, and never a server error
        if (!sender.serverErrors().isEmpty()) {
            problems.add("server errors, timeouts or non-HTTP answers, by request kind: " + sender.serverErrors());
        }

        // nothing leaked: poll up to 10 s for threads and fds to come back
        int threadsAfter = platformThreads();
        int fdsAfter = openFds();
        long settleUntil = System.nanoTime() + 10_000_000_000L;
        while ((threadsAfter > threadsBefore + THREAD_TOLERANCE || fdsAfter > fdsBefore + FD_TOLERANCE)
                && System.nanoTime() < settleUntil) {
            Thread.sleep(250);
            threadsAfter = platformThreads();
            fdsAfter = openFds();
        }
        if (threadsAfter > threadsBefore + THREAD_TOLERANCE) {
            problems.add("thread leak: " + threadsBefore + " platform threads before, " + threadsAfter
                    + " after 10 s of settling; now: " + threadGroups());
        }
        if (fdsAfter > fdsBefore + FD_TOLERANCE) {
            problems.add("file descriptor leak: " + fdsBefore + " open before, " + fdsAfter
                    + " after 10 s of settling; by kind, before → after: " + diff(fdKindsBefore, fdKinds()));
        }

        if (!problems.isEmpty()) { // what the threads that came meanwhile are doing: the cause of most leaks
            Thread.getAllStackTraces().forEach((t, stack) -> {
                if (!threadIdsBefore.contains(t.threadId()) && !isCarrier(t)) {
                    System.out.println("[hostile] new thread " + t.getName() + " " + t.getState() + ": "
                            + java.util.Arrays.stream(stack).limit(12).map(String::valueOf)
                                    .collect(Collectors.joining(" <- ")));
                }
            });
        }
        long totalMs = (System.nanoTime() - started) / 1_000_000;
        String answers = sender.outcomes().entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> e.getKey() + "×" + e.getValue()).collect(Collectors.joining(" "));
        System.out.println("[hostile] " + name + ": sent " + sender.total() + " requests in " + corpusMs + " ms ("
                + answers + ") + " + dripOutcomes.size() + " slow drips " + dripOutcomes + "; published "
                + published.size() + ", subscriber got " + ours.size() + " of them (" + all.size() + " ids in all)"
                + "; threads " + threadsBefore + "→" + threadsAfter + ", fds " + fdsBefore + "→" + fdsAfter
                + "; test took " + totalMs + " ms" + (problems.isEmpty() ? "; PASS" : "; FAIL: " + problems));
        if (!problems.isEmpty()) {
            fail(name + " under hostile input: " + String.join("; ", problems));
        }
    }

    // ---- slow drips: a handful, each a few seconds, all at once alongside the corpus

    enum SlowDrip {
        /** A whole valid GET, one byte every 60 ms. */
        STATUS_BYTE_BY_BYTE {
            @Override
            String run(URI base) {
                return drip(base, "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 60, false);
            }
        },
        /** A head that never ends, dripped for about 4 s, then the client gives up. */
        ENDLESS_HEAD {
            @Override
            String run(URI base) {
                return drip(base, "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaa",
                        60, true);
            }
        },
        /** A publish whose declared body comes one byte every 150 ms. */
        SLOW_BODY {
            @Override
            String run(URI base) {
                return drip(base, "POST /api/broadcast?event=hostile-drip HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: text/plain\r\nContent-Length: 20\r\n\r\n", 0, "slow body drip......", 150);
            }
        },
        /** A chunked publish dripped chunk by chunk, never finished. */
        SLOW_CHUNKS {
            @Override
            String run(URI base) {
                return drip(base, "POST /api/broadcast?event=hostile-drip HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n", 0, "1\r\na\r\n".repeat(6), 100);
            }
        },
        /** Random bytes, one every 80 ms. */
        SLOW_GARBAGE {
            @Override
            String run(URI base) {
                return drip(base, "\u0001\u00ff\u0000garbage\u007f\u0080more garbage here.....", 80, true);
            }
        },
        /** A connection that says nothing for 4 s. */
        SILENT {
            @Override
            String run(URI base) {
                return drip(base, "", 0, "", 0, 4_000);
            }
        };

        abstract String run(URI base);

        static String drip(URI base, String text, int delayMs, boolean giveUp) {
            String outcome = drip(base, "", 0, text, delayMs, 0);
            return giveUp && outcome.equals("timeout") ? "gave-up" : outcome;
        }

        static String drip(URI base, String head, int unused, String slow, int delayMs) {
            return drip(base, head, unused, slow, delayMs, 0);
        }

        /** Sends {@code head} at once, then {@code slow} byte by byte, waits {@code idleMs}, reads a status line. */
        static String drip(URI base, String head, int unused, String slow, int delayMs, int idleMs) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 2_000);
                socket.setSoTimeout(HostileSender.SO_TIMEOUT_MS);
                socket.setSoLinger(true, 0);
                OutputStream out = socket.getOutputStream();
                try {
                    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    for (byte b : slow.getBytes(StandardCharsets.ISO_8859_1)) {
                        out.write(b);
                        out.flush();
                        Thread.sleep(delayMs);
                    }
                    Thread.sleep(idleMs);
                } catch (IOException e) {
                    String answer = HostileSender.readStatus(socket);
                    return "cut-off-while-dripping/" + answer;
                }
                return HostileSender.readStatus(socket);
            } catch (IOException e) {
                return "failed: " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
    }

    // ---- helpers

    private RawResponse publish(String event, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (RawHttp conn = RawHttp.connect(base)) {
            conn.send(conn.head("POST", "/api/broadcast?event=" + event, "Content-Type: text/plain; charset=utf-8",
                    "Content-Length: " + bytes.length, "Connection: close") + body);
            return conn.readResponse(false, RawHttp.ANSWER);
        }
    }

    private RawResponse rawGet(String target) throws IOException {
        try (RawHttp conn = RawHttp.connect(base)) {
            conn.send(conn.head("GET", target, "Connection: close"));
            return conn.readResponse(false, RawHttp.ANSWER);
        }
    }

    private JsonNode statusJson() throws Exception {
        long until = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                RawResponse r = rawGet("/api/status");
                if (r.status() == 200) {
                    return JSON.readTree(r.body());
                }
            } catch (IOException e) {
                // not up yet
            }
            if (System.nanoTime() > until) {
                fail("the server at " + base + " does not answer GET /api/status 200");
            }
            Thread.sleep(100);
        }
    }

    private static String firstDifference(List<Long> expected, List<Long> actual) {
        int n = Math.min(expected.size(), actual.size());
        for (int i = 0; i < n; i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                return "first difference at index " + i + ": expected id " + expected.get(i) + ", got "
                        + actual.get(i);
            }
        }
        return expected.size() > n ? "missing from id " + expected.get(n) : "extra from id " + actual.get(n);
    }

    /** Platform threads other than virtual-thread carriers. */
    static int platformThreads() throws InterruptedException {
        System.gc();
        Thread.sleep(100);
        return (int) Thread.getAllStackTraces().keySet().stream().filter(t -> !isCarrier(t)).count();
    }

    private static boolean isCarrier(Thread t) {
        return t.getClass().getName().equals("jdk.internal.misc.CarrierThread");
    }

    private static String threadGroups() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> !isCarrier(t))
                .collect(Collectors.groupingBy(t -> t.getName().replaceAll("[0-9]+", "#"), TreeMap::new,
                        Collectors.counting())).toString();
    }

    static int openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static String diff(Map<String, Long> before, Map<String, Long> after) {
        Map<String, String> changed = new TreeMap<>();
        for (String k : new java.util.TreeSet<>(Stream.concat(before.keySet().stream(), after.keySet().stream()).toList())) {
            long b = before.getOrDefault(k, 0L);
            long a = after.getOrDefault(k, 0L);
            if (a != b) {
                changed.put(k, b + "→" + a);
            }
        }
        return changed.toString();
    }

    private static Map<String, Long> fdKinds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(p -> {
                try {
                    return Files.readSymbolicLink(p).toString().replaceAll("[0-9]+", "#");
                } catch (IOException e) {
                    return "?";
                }
            }).collect(Collectors.groupingBy(s -> s, TreeMap::new, Collectors.counting()));
        } catch (IOException e) {
            return Map.of();
        }
    }
}
