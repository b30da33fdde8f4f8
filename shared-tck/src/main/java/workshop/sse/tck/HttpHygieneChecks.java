package workshop.sse.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static workshop.sse.tck.CheckHelpers.eventName;
import static workshop.sse.tck.Eventually.millisSince;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** SPEC "HTTP hygiene": keep-alive, HEAD, malformed, oversized and slow requests, and that none of them hurts others. */
public interface HttpHygieneChecks extends TckContext {

    /** SPEC: a request head must be complete 15 s after the connection opened (or after its previous response). */
    Duration HEAD_DEADLINE = Duration.ofSeconds(15);
    Duration HEAD_DEADLINE_SLACK = Duration.ofSeconds(2);

    @Test
    @DisplayName("10.1 HTTP hygiene: HTTP/1.1 keep-alive: several ordinary requests on one connection")
    default void keepAlive() throws IOException {
        assumeHttp11("there is no keep-alive: every request is a stream of the one connection");
        try (RawHttp conn = connect()) {
            List<String> requests = List.of(
                    conn.head("GET", "/api/status"),
                    conn.head("GET", "/api/status"),
                    conn.head("POST", BROADCAST + "?event=" + eventName("keep-alive"), "Content-Type: text/plain",
                            "Content-Length: 5") + "alive",
                    conn.head("GET", "/index.html"),
                    conn.head("GET", "/api/no-such-endpoint"),
                    conn.head("GET", "/api/status"));
            int n = 0;
            for (String request : requests) {
                int number = ++n;
                RawResponse response;
                try {
                    response = conn.exchange(request);
                } catch (IOException e) {
                    throw new AssertionError("request " + number + " on one connection got no answer: "
                            + e.getMessage() + " (" + request.lines().findFirst().orElse("") + ")", e);
                }
                assertTrue(response.head().statusLine().startsWith("HTTP/1.1 "), response.head()::describe);
                assertTrue(!response.head().tokens("Connection").contains("close"),
                        () -> "request " + number + " was answered with Connection: close: " + response.head().describe());
            }
        }
    }

    @ParameterizedTest(name = "HEAD {0}", quoteTextArguments = false)
    @ValueSource(strings = {"/api/status", "/", "/index.html"})
    @DisplayName("10.1 HTTP hygiene: HEAD where GET is allowed: GET's status and Content-Type, no body")
    default void headWhereGetIsAllowed(String path) throws IOException {
        if (overHttp2()) {
            // the kit's HTTP/2 client ends a HEAD at its headers: the status and Content-Type are checked
            RawResponse get = request("GET", path);
            RawResponse head = request("HEAD", path);
            assertEquals(get.status(), head.status(), () -> "HEAD " + path + ": " + head.describe());
            assertEquals(get.header("Content-Type"), head.header("Content-Type"), "Content-Type of HEAD vs GET");
            return;
        }
        try (RawHttp conn = connect()) {
            RawResponse get = conn.exchange(conn.head("GET", path));
            conn.send(conn.head("HEAD", path));
            HttpHead head = conn.readHead(RawHttp.ANSWER);
            assertEquals(get.status(), head.status(), () -> "HEAD " + path + ": " + head.describe());
            assertEquals(get.header("Content-Type"), head.header("Content-Type"), "Content-Type of HEAD vs GET");
            RawHttp.Probe probe = conn.probe(Duration.ofMillis(300));
            assertEquals(0, probe.bytes().length,
                    () -> "HEAD " + path + " answered with body bytes: " + Printable.of(probe.bytes()));
            // and the connection is still good for the next request
            RawResponse next = conn.exchange(conn.head("GET", "/api/status"));
            assertEquals(200, next.status(), () -> "GET after HEAD " + path + ": " + next.describe());
        }
    }

    static Stream<String> malformedRequestLines() {
        return Stream.of(
                "GARBAGE\r\n\r\n",
                "GET /api/status HTTP/1.1 extra\r\nHost: x\r\n\r\n",
                "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n",
                "G(T /api/status HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET api/status HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /api/status HTTQ/1.1\r\nHost: x\r\n\r\n",
                "GET /api/status HTTP/1\r\nHost: x\r\n\r\n",
                "\u0000GET /api/status HTTP/1.1\r\nHost: x\r\n\r\n");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequestLines")
    @DisplayName("10.2 HTTP hygiene: a malformed request line is 400")
    default void malformedRequestLineIs400(String request) throws IOException {
        assumeHttp11("there is no request line: method and path are pseudo-header fields");
        expectStatus(400, request);
    }

    @Test
    @DisplayName("10.2 HTTP hygiene: a well-formed version the server does not speak (HTTP/3.0) is 505")
    default void otherVersionIs505() throws IOException {
        assumeHttp11("there is no version in a request");
        expectStatus(505, "GET /api/status HTTP/3.0\r\nHost: x\r\n\r\n");
    }

    static Stream<String> malformedHeaders() {
        return Stream.of(
                "GET /api/status HTTP/1.1\r\nHost: x\r\nNo-Colon-Here\r\n\r\n",
                "GET /api/status HTTP/1.1\r\nHost: x\r\nBad Name: value\r\n\r\n",
                "GET /api/status HTTP/1.1\r\nHost: x\r\nX-Test : space before the colon\r\n\r\n",
                "GET /api/status HTTP/1.1\r\nHost: x\r\n: no name\r\n\r\n",
                "GET /api/status HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                "GET /api/status HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedHeaders")
    @DisplayName("10.2 HTTP hygiene: a malformed header is 400")
    default void malformedHeaderIs400(String request) throws IOException {
        assumeHttp11("a header block is HPACK, not lines; a malformed field is a stream error (RFC 9113 8.2.1) that"
                + " the kit's HTTP/2 client refuses to send");
        expectStatus(400, request);
    }

    private void expectStatus(int status, String request) throws IOException {
        try (RawHttp conn = connect()) {
            conn.send(request);
            HttpHead head = conn.readHead(RawHttp.ANSWER);
            assertEquals(status, head.status(), () -> Printable.of(request) + " answered " + head.describe());
        }
    }

    @Test
    @DisplayName("10.3 HTTP hygiene: a request head over 8 KiB is 431 (one long header, many, or a long request line);"
            + " one of 7 KiB is served")
    default void headOver8KiBIs431() throws IOException {
        assumeHttp11("a head is a HEADERS frame: its HTTP/2 form is checked by 12.6");
        String oneLong = "X-Long: " + "a".repeat(9 * 1024);
        expectStatus(431, "GET /api/status HTTP/1.1\r\nHost: x\r\n" + oneLong + "\r\n\r\n");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            many.append("X-Many-").append(i).append(": ").append("b".repeat(40)).append("\r\n");
        }
        expectStatus(431, "GET /api/status HTTP/1.1\r\nHost: x\r\n" + many + "\r\n");
        expectStatus(431, "GET /api/status?pad=" + "d".repeat(9 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        expectStatus(200, "GET /api/status HTTP/1.1\r\nHost: x\r\nX-Fits: " + "c".repeat(7 * 1024) + "\r\n\r\n");
        expectStatus(200, "GET /api/status?pad=" + "e".repeat(7 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    }

    @ParameterizedTest(name = "{0}", quoteTextArguments = false)
    @ValueSource(strings = {"/api/counter?interval=60000", BROADCAST})
    @DisplayName("10.7 HTTP hygiene: a stream request followed on its connection by another request still gets its"
            + " stream")
    default void streamRequestWithPipelinedBytes(String target) throws IOException {
        assumeHttp11("requests are multiplexed as streams, never pipelined");
        try (RawHttp conn = connect();
                RawSseStream stream = RawSseStream.openFollowedBy(conn, target, conn.head("GET", "/api/status"))) {
            assertEquals(200, stream.status(), () -> "GET " + target + " with GET /api/status pipelined after it: "
                    + stream.head().describe());
            SseFrame first = stream.next(RawHttp.ANSWER);
            assertNotNull(first, "the stream ended at once");
            assertTrue(first.has("retry"), () -> "the first frame is not retry: " + first.describe());
            stream.abort();
        }
    }

    @Test
    @DisplayName("10.4 HTTP hygiene: a connection without a complete request head 15 s after opening (or after its previous"
            + " response) gets 408 and is closed, however it drips (or stays silent); a stream, whose head was complete,"
            + " is not")
    default void slowlorisIsClosed() throws Exception {
        assumeHttp11("a slow client is a connection without a complete preface and HEADERS frame: its HTTP/2 form is"
                + " checked by 12.7");
        List<SlowClient> slowClients = List.of(
                new SlowClient("a client sending one byte every 500 ms from the start", false, Duration.ZERO),
                new SlowClient("a client sending one byte every 500 ms after a complete request", true, Duration.ZERO),
                new SlowClient("a silent client after a complete request", true, null),
                new SlowClient("a client that sends nothing at all", false, null),
                new SlowClient("a client silent for 10 s, then sending one byte every 500 ms", false,
                        Duration.ofSeconds(10)));
        // all at once, and a stream beside them, so that this check takes 15 s and not 75
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> clients = new ArrayList<>();
            for (SlowClient client : slowClients) {
                clients.add(executor.submit(() -> slow(client)));
            }
            clients.add(executor.submit(this::streamOutlivesTheHeadDeadline));
            List<String> failures = new ArrayList<>();
            for (Future<String> client : clients) {
                try {
                    String failure = client.get();
                    if (failure != null) {
                        failures.add(failure);
                    }
                } catch (ExecutionException e) {
                    failures.add(e.getCause().toString());
                }
            }
            assertEquals(List.of(), failures);
        }
    }

    /**
     * A client that never completes a request head.
     *
     * @param afterResponse first complete one request on the connection, then start being slow
     * @param silentFor     how long to send nothing before sending a byte every 500 ms; null: send nothing at all
     */
    record SlowClient(String who, boolean afterResponse, Duration silentFor) {
    }

    /** @return what went wrong, or null */
    private String slow(SlowClient client) throws IOException {
        try (RawHttp conn = connect()) {
            if (client.afterResponse()) {
                conn.exchange(conn.head("GET", "/api/status"));
            }
            long start = System.nanoTime();
            byte[] partial = ("GET /api/status HTTP/1.1\r\nHost: " + conn.authority() + "\r\nX-Slow: ")
                    .getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            int sent = 0;
            Duration giveUp = HEAD_DEADLINE.plusSeconds(5);
            while (millisSince(start) < giveUp.toMillis()) {
                if (client.silentFor() != null && millisSince(start) >= client.silentFor().toMillis()) {
                    try {
                        conn.send(new byte[] {sent < partial.length ? partial[sent] : (byte) 'a'});
                        sent++;
                    } catch (IOException e) {
                        // the server closed: the probe below sees it
                    }
                }
                RawHttp.Probe probe = conn.probe(Duration.ofMillis(500));
                answer.writeBytes(probe.bytes());
                if (probe.closed()) {
                    long after = millisSince(start);
                    String text = answer.toString(StandardCharsets.ISO_8859_1);
                    if (after > HEAD_DEADLINE.plus(HEAD_DEADLINE_SLACK).toMillis()) {
                        return client.who() + " was closed only after " + after + " ms";
                    }
                    if (!text.startsWith("HTTP/1.1 408")) {
                        // the kit's socket could be written all along: the 408 must have come before the close
                        return client.who() + " was closed after " + after + " ms with "
                                + (text.isEmpty() ? "no answer" : Printable.of(text)) + " instead of a 408";
                    }
                    return null;
                }
            }
            return client.who() + " was still connected after " + giveUp.toSeconds() + " s"
                    + (answer.size() > 0 ? " (got " + Printable.of(answer.toByteArray()) + ")" : "");
        }
    }

    /** A counter stream must tick on past the 15 s that only a request head has: its head was complete. */
    private String streamOutlivesTheHeadDeadline() throws IOException {
        try (RawSseStream stream = openStream("/api/counter?interval=1000")) {
            if (stream.status() != 200) {
                return "GET /api/counter?interval=1000: " + stream.head().describe();
            }
            long until = stream.sentNanos() + HEAD_DEADLINE.plus(HEAD_DEADLINE_SLACK).toNanos();
            long count = 0;
            while (System.nanoTime() < until) {
                SseFrame tick;
                try {
                    tick = stream.nextEvent(RawHttp.ANSWER);
                } catch (IOException e) {
                    return "a counter stream broke after " + count + " ticks: " + e.getMessage();
                }
                if (tick == null) {
                    return "the server ended a counter stream after " + count + " ticks ("
                            + millisSince(stream.sentNanos()) + " ms): a stream is not a slow request head";
                }
                if (tick.lines().get(0).startsWith("HTTP/")) {
                    return "after " + millisSince(stream.sentNanos()) + " ms the server wrote an HTTP answer into a"
                            + " counter stream: " + tick.describe();
                }
                if (!String.valueOf(count + 1).equals(tick.id())) {
                    return "tick " + (count + 1) + " of a counter stream was " + tick.describe();
                }
                count++;
            }
            stream.abort();
            return null;
        }
    }

    @Test
    @DisplayName("10.6 HTTP hygiene: no bad request, however malformed or slow, stops the server or disturbs another"
            + " client's stream")
    default void badRequestsDisturbNoOne() throws Exception {
        int interval = 100;
        String name = eventName("undisturbed");
        List<RawHttp> halfOpen = java.util.Collections.synchronizedList(new ArrayList<>());
        try (RawSseStream counter = openStream("/api/counter?interval=" + interval);
             EventStream watcher = events(BROADCAST);
             ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            assertEquals(200, counter.status(), () -> counter.head().describe());
            watcher.next(event -> "presence".equals(event.type()), RawHttp.ANSWER);
            Future<?> barrage = executor.submit(() -> {
                for (String request : Stream.concat(malformedRequestLines(), malformedHeaders()).toList()) {
                    send(request);
                }
                send("GET /api/status HTTP/1.1\r\nHost: x\r\nX-Long: " + "a".repeat(64 * 1024) + "\r\n\r\n");
                send("POST /api/broadcast HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 99999999\r\n\r\n");
                send("GET /" + "../".repeat(20) + "etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n");
                byte[] noise = new byte[4096];
                new java.util.Random(42).nextBytes(noise);
                send(new String(noise, StandardCharsets.ISO_8859_1));
                for (int i = 0; i < 20; i++) {
                    RawHttp conn = connect();
                    halfOpen.add(conn); // left with half a head until the end of the check
                    conn.send("GET /api/status HTTP/1.1\r\nHost: x\r\nX-Half: ");
                }
                for (int i = 0; i < 5; i++) {
                    try (RawHttp conn = connect()) {
                        conn.send("POST /api/broadcast HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc");
                        conn.abort(); // a reset in the middle of a body
                    }
                }
                return null;
            });

            // meanwhile the counter keeps ticking, every tick, on time
            long previousCount = -1;
            long previousArrival = 0;
            long slowest = 0;
            long stopAt = Long.MAX_VALUE;
            while (System.nanoTime() < stopAt) {
                SseFrame tick = counter.nextEvent(RawHttp.ANSWER);
                assertNotNull(tick, "the counter stream ended during the bad requests");
                long count = Long.parseLong(tick.id());
                if (previousCount != -1) {
                    assertEquals(previousCount + 1, count, "ticks during the bad requests");
                    slowest = Math.max(slowest, tick.receivedNanos() - previousArrival);
                }
                previousCount = count;
                previousArrival = tick.receivedNanos();
                if (barrage.isDone() && stopAt == Long.MAX_VALUE) {
                    barrage.get(); // rethrows what failed in the barrage itself
                    stopAt = System.nanoTime() + Duration.ofMillis(5L * interval).toNanos();
                }
            }
            long slowestMillis = slowest / 1_000_000;
            assertTrue(slowestMillis <= interval + 500, () -> "a tick (interval=" + interval + ") came " + slowestMillis
                    + " ms after the one before, while bad requests arrived");

            // and the server still serves, and still publishes
            assertEquals(200, request("GET", "/api/status").status(), "GET /api/status after the bad requests");
            long id = publish(name, "still here");
            assertEquals(String.valueOf(id), watcher.next(event -> name.equals(event.type()), RawHttp.ANSWER).id());
            counter.abort();
        } finally {
            halfOpen.forEach(RawHttp::close);
        }
    }

    /** Sends a request and reads whatever answer comes; the barrage does not judge the answers. */
    private void send(String request) {
        try (RawHttp conn = connect()) {
            conn.send(request);
            conn.probe(Duration.ofMillis(200));
        } catch (IOException e) {
            // a server may close or reset a connection that sent garbage: fine here
        }
    }
}
