package workshop.sse.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static workshop.sse.tck.CheckHelpers.eventName;
import static workshop.sse.tck.Eventually.eventually;
import static workshop.sse.tck.Eventually.millisSince;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SPEC "HTTPS and HTTP/2" (section 12), on the server under test when it serves HTTPS: ALPN and the HTTP/1.1
 * fallback, and what HTTP/2 changes (no connection-specific fields, stream limits, header-block size, idle and
 * half-done connections, reset streams and dropped connections, flow control). The HTTP/2 checks speak raw frames
 * ({@link Http2Wire}): a client library would hide what they look at. Against a server without TLS they are skipped;
 * the HTTP/2 ones also against a server that chooses HTTP/1.1 for {@code h2,http/1.1}, which 12.3 allows. (12.1 and
 * 12.2, start-up and the ready line, are in {@link ProcessChecks}.)
 */
public interface TlsChecks extends TckContext {

    /** RFC 9113 section 8.2.2: fields that are HTTP/1.1's own and MUST NOT appear in an HTTP/2 message. */
    Set<String> CONNECTION_SPECIFIC = Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding",
            "upgrade");

    private void assumeTls() {
        Assumptions.assumeTrue("https".equals(base().getScheme()), "the server runs without TLS; start it with"
                + " TLS=self-signed to check section 12");
    }

    /** A raw HTTP/2 connection; the check is skipped when the server does not choose h2. */
    private Http2Wire h2() throws IOException {
        assumeTls();
        Http2Wire wire = Http2Wire.connect(base(), TlsProbe.TRUST_ANY);
        Assumptions.assumeTrue(wire != null, "the server speaks HTTP/1.1 over TLS (12.3 allows it): this is a check"
                + " of HTTP/2");
        return wire;
    }

    // ---- 12.3 ALPN

    static Stream<Arguments> http11Offers() {
        return Stream.of(arguments("a client that offers only http/1.1", List.of("http/1.1")),
                arguments("a client that offers no ALPN at all", List.of()));
    }

    @ParameterizedTest(name = "{0}", quoteTextArguments = false)
    @MethodSource("http11Offers")
    @DisplayName("12.3 HTTPS: a client that offers only http/1.1, or no ALPN at all, is served HTTP/1.1 (GET"
            + " /api/status, and a counter stream's first frames)")
    default void http11IsStillServed(String who, List<String> alpn) throws IOException {
        assumeTls();
        for (String target : List.of("/api/status", "/api/counter?interval=60000")) {
            if (target.startsWith("/api/counter")) {
                awaitRoomForStreams(1);
            }
            try (SSLSocket tls = TlsProbe.handshake(base(), alpn)) {
                String chosen = TlsProbe.protocol(tls);
                assertTrue(chosen.isEmpty() || chosen.equals("http/1.1"), () -> who + " was given " + chosen);
                // a stream never ends: read for a moment, enough for the head, retry: and the first tick
                Duration read = target.equals("/api/status") ? RawHttp.ANSWER : atOnce().plusMillis(500);
                String answer = TlsProbe.http11(tls, base(), target, read);
                assertTrue(answer.startsWith("HTTP/1.1 200 "), () -> "GET " + target + " from " + who + " was answered "
                        + (answer.isEmpty() ? "nothing" : Printable.of(answer.lines().findFirst().orElse(""))));
                if (!target.equals("/api/status")) {
                    assertTrue(answer.contains("retry:") && answer.contains("tick"), () -> "GET " + target
                            + " from " + who + " got no retry: and first tick within " + read.toMillis() + " ms: "
                            + Printable.of(answer));
                }
            }
        }
    }

    @Test
    @DisplayName("12.3 HTTPS: a client that offers h2 and http/1.1 gets one of them, and what it gets is spoken")
    default void alpnChoosesH2OrHttp11() throws IOException {
        assumeTls();
        String chosen;
        try (SSLSocket tls = TlsProbe.handshake(base(), List.of("h2", "http/1.1"))) {
            chosen = TlsProbe.protocol(tls);
            assertTrue(Set.of("h2", "http/1.1", "").contains(chosen), () -> "ALPN chose " + chosen);
            if (!chosen.equals("h2")) {
                String answer = TlsProbe.http11(tls, base(), "/api/status", RawHttp.ANSWER);
                assertTrue(answer.startsWith("HTTP/1.1 200 "), () -> "the server chose " + (chosen.isEmpty() ? "no"
                        + " protocol" : chosen) + ", then answered GET /api/status with " + Printable.of(answer));
                return;
            }
        }
        try (Http2Wire wire = h2()) {
            Http2Stream status = wire.get("/api/status");
            Http2Stream.Answer answer = status.answer(RawHttp.ANSWER);
            assertEquals(200, answer.status(), () -> "GET /api/status over h2: " + answer.describe());
            assertTrue(JSON.readTree(status.body(RawHttp.ANSWER)).has("server"), "GET /api/status over h2: no JSON");
        }
    }

    /** True when the server chooses h2 for a client that offers h2 and http/1.1. */
    private boolean choosesH2() throws IOException {
        try (SSLSocket tls = TlsProbe.handshake(base(), List.of("h2", "http/1.1"))) {
            return "h2".equals(TlsProbe.protocol(tls));
        }
    }

    // ---- 12.4 no connection-specific fields

    static Stream<Arguments> h2Answers() {
        return Stream.of(arguments("GET", COUNTER_IDLE, 200), arguments("GET", BROADCAST, 200),
                arguments("GET", "/index.html", 200), arguments("GET", "/api/no-such-endpoint", 404),
                arguments("POST", BROADCAST, 415));
    }

    @ParameterizedTest(name = "{0} {1}: {2}", quoteTextArguments = false)
    @MethodSource("h2Answers")
    @DisplayName("12.4 HTTP/2: no answer carries a connection-specific field (Connection, Keep-Alive,"
            + " Proxy-Connection, Transfer-Encoding, Upgrade), streams and errors alike")
    default void noConnectionSpecificFields(String method, String target, int status) throws IOException {
        try (Http2Wire wire = h2()) {
            if (status == 200 && target.startsWith("/api/")) {
                awaitRoomForStreams(1);
            }
            // the POST has a body but no Content-Type: 415
            Http2Stream stream = wire.open(method, target, false, List.of(),
                    method.equals("POST") ? "hello".getBytes(StandardCharsets.UTF_8) : null);
            Http2Stream.Answer answer = stream.answer(RawHttp.ANSWER);
            assertEquals(status, answer.status(), () -> method + " " + target + " over h2: " + answer.describe());
            // every field is read: Content-Type is there, so a connection-specific field would be seen too
            assertNotNull(answer.header("content-type"), () -> method + " " + target + ": the kit read no"
                    + " Content-Type among " + answer.describe());
            List<String> forbidden = answer.names().stream()
                    .filter(name -> CONNECTION_SPECIFIC.contains(name.toLowerCase(java.util.Locale.ROOT))).toList();
            assertEquals(List.of(), forbidden, () -> method + " " + target + " over h2 carries connection-specific"
                    + " fields (RFC 9113 8.2.2): " + answer.describe());
            if (status == 200 && target.startsWith("/api/")) {
                expectRetryFrame(stream);
                stream.reset();
            }
        }
    }

    /** A stream answered 200, and its first frame is retry:. */
    private void expectOpen(Http2Stream stream) throws IOException {
        Http2Stream.Answer answer = stream.answer(RawHttp.ANSWER);
        assertEquals(200, answer.status(), answer::describe);
        expectRetryFrame(stream);
    }

    private void expectRetryFrame(Http2Stream stream) throws IOException {
        SseFrame first = stream.next(RawHttp.ANSWER);
        assertTrue(first != null && first.has("retry"), () -> "the first frame over h2: "
                + (first == null ? "the stream ended (" + stream.endedBy() + ")" : first.describe()));
    }

    // ---- 12.5 at least 100 streams

    @Test
    @DisplayName("12.5 HTTP/2: the server's SETTINGS allow at least 100 concurrent streams"
            + " (SETTINGS_MAX_CONCURRENT_STREAMS absent or >= 100)")
    default void settingsAllowAHundredStreams() throws IOException {
        try (Http2Wire wire = h2()) {
            Map<Integer, Long> settings = wire.serverSettings(RawHttp.ANSWER);
            Long streams = settings.get(Http2Wire.SETTINGS_MAX_CONCURRENT_STREAMS);
            assertTrue(streams == null || streams >= 100, () -> "SETTINGS_MAX_CONCURRENT_STREAMS is " + streams
                    + " (the server's SETTINGS: " + settings + ")");
        }
    }

    @Test
    @DisplayName("12.5 HTTP/2: 20 counter streams (fewer when MAX_STREAMS is lower) on one connection are all open at"
            + " once: each gets its retry and first tick")
    default void manyStreamsOnOneConnectionOpenAtOnce() throws IOException {
        try (Http2Wire wire = h2()) {
            int n = Math.min(20, config().maxStreams());
            awaitRoomForStreams(n);
            List<Http2Stream> streams = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                streams.add(wire.get("/api/counter?interval=60000"));
            }
            long deadline = streams.getLast().sentNanos() + atOnce().toNanos();
            for (Http2Stream stream : streams) {
                Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
                int number = streams.indexOf(stream) + 1;
                Http2Stream.Answer answer = stream.answer(left);
                assertEquals(200, answer.status(), () -> "stream " + number + " of " + n + " on one connection: "
                        + answer.describe());
                SseFrame tick = stream.nextEvent(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                assertTrue(tick != null && "1".equals(tick.id()), () -> "stream " + number + " of " + n + " on one"
                        + " connection: no first tick within " + atOnce().toMillis() + " ms of the last request ("
                        + (tick == null ? "ended: " + stream.endedBy() : tick.describe()) + ")");
            }
            for (Http2Stream stream : streams) {
                stream.reset();
            }
        }
    }

    // ---- 12.6 a header block over 8 KiB

    @Test
    @DisplayName("12.6 HTTP/2: a request whose header block is over 8 KiB (one 10 KiB field) is refused (431,"
            + " RST_STREAM or GOAWAY) and publishes nothing; the server goes on serving")
    default void headerBlockOver8KiBIsRefused() throws IOException {
        long before = lastEventId();
        List<String[]> tooLong = List.<String[]>of(new String[] {"x-long", "a".repeat(10 * 1024)});
        try (Http2Wire wire = h2()) {
            Http2Stream status = wire.open("GET", "/api/status", false, tooLong, null);
            expectRefused("GET /api/status", status.answer(RawHttp.ANSWER));
            if (wire.ended() == null) {
                // only its stream was refused: the connection goes on
                Http2Stream next = wire.get("/api/status");
                Http2Stream.Answer answer = next.answer(RawHttp.ANSWER);
                assertEquals(200, answer.status(), () -> "GET /api/status on the same connection after the refused"
                        + " request: " + answer.describe());
            }
        }
        try (Http2Wire wire = h2()) {
            List<String[]> fields = new ArrayList<>(tooLong);
            fields.add(new String[] {"content-type", "text/plain"});
            Http2Stream post = wire.open("POST", BROADCAST + "?event=" + eventName("long-head"), false, fields,
                    "must not be published".getBytes(StandardCharsets.UTF_8));
            expectRefused("POST /api/broadcast", post.answer(RawHttp.ANSWER));
        }
        try (Http2Wire wire = h2()) {
            Http2Stream.Answer answer = wire.get("/api/status").answer(RawHttp.ANSWER);
            assertEquals(200, answer.status(), () -> "GET /api/status on a new connection: " + answer.describe());
        }
        assertEquals(before, lastEventId(), "lastEventId after a POST with a 10 KiB header field (nothing may be"
                + " published)");
    }

    private static void expectRefused(String request, Http2Stream.Answer answer) {
        assertTrue(!answer.answered() || answer.status() == 431, () -> request + " with a 10 KiB header field over"
                + " h2 was answered " + answer.status() + " " + answer.describe() + " instead of refused");
    }

    // ---- 12.7 connections that never get going

    /** SPEC: TLS and a complete request within 15 s of opening (10.4's deadline); the kit's slack on top. */
    Duration REQUEST_DEADLINE = Duration.ofSeconds(15);
    Duration REQUEST_DEADLINE_SLACK = Duration.ofSeconds(2);

    @Test
    @DisplayName("12.7 HTTPS: a connection that has not completed its TLS handshake and a request within 15 s is"
            + " closed: silent TCP, half a ClientHello, a handshake and then nothing, an HTTP/2 preface and nothing")
    default void connectionsThatNeverGetGoingAreClosed() throws Exception {
        assumeTls();
        boolean h2 = choosesH2();
        Map<String, Opener> clients = new LinkedHashMap<>();
        clients.put("a TCP connection that sends nothing", () -> TlsProbe.tcp(base()));
        clients.put("a TCP connection that sends half a TLS ClientHello", () -> {
            Socket tcp = TlsProbe.tcp(base());
            tcp.getOutputStream().write(TlsProbe.halfAClientHello(base()));
            return tcp;
        });
        clients.put("a TLS connection (http/1.1) that sends nothing after the handshake",
                () -> TlsProbe.handshake(base(), List.of("http/1.1")));
        if (h2) {
            clients.put("an HTTP/2 connection that sends its preface and SETTINGS, then no HEADERS", () -> {
                SSLSocket tls = TlsProbe.handshake(base(), List.of("h2"));
                tls.getOutputStream().write(Http2Wire.PREFACE);
                tls.getOutputStream().write(Http2Wire.frame(Http2Wire.SETTINGS, 0, 0, new byte[0]));
                tls.getOutputStream().flush();
                return tls;
            });
        }
        Duration bound = REQUEST_DEADLINE.plus(REQUEST_DEADLINE_SLACK);
        Duration giveUp = REQUEST_DEADLINE.plusSeconds(5);
        // all at once, so that this check takes 15 s and not a minute
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<String, Future<Long>> closedAfter = new LinkedHashMap<>();
            clients.forEach((who, opener) -> closedAfter.put(who, executor.submit(() -> {
                long opened = System.nanoTime();
                try (Socket socket = opener.open()) {
                    return TlsProbe.millisUntilClosed(socket, opened, giveUp);
                }
            })));
            List<String> failures = new ArrayList<>();
            for (Map.Entry<String, Future<Long>> client : closedAfter.entrySet()) {
                try {
                    long millis = client.getValue().get();
                    if (millis == -1) {
                        failures.add(client.getKey() + " was still open after " + giveUp.toSeconds() + " s");
                    } else if (millis > bound.toMillis()) {
                        failures.add(client.getKey() + " was closed only after " + millis + " ms");
                    }
                } catch (ExecutionException e) {
                    failures.add(client.getKey() + ": " + e.getCause());
                }
            }
            assertEquals(List.of(), failures);
        }
    }

    /** Opens a connection of one of 12.7's kinds. */
    @FunctionalInterface
    interface Opener {
        Socket open() throws IOException;
    }

    // ---- 12.8 reset streams and dropped connections

    @Test
    @DisplayName("12.8 HTTP/2: a stream its client resets (RST_STREAM) is freed within 2 × HEARTBEAT_MS + 1 s, and"
            + " the other stream on its connection goes on")
    default void resetStreamIsFreedAndTheOtherGoesOn() throws IOException {
        try (Http2Wire wire = h2()) {
            awaitNoOpenStreams();
            int interval = 100;
            Http2Stream cancelled = wire.get("/api/counter?interval=" + interval);
            Http2Stream kept = wire.get("/api/counter?interval=" + interval);
            for (Http2Stream stream : List.of(cancelled, kept)) {
                expectOpen(stream);
            }
            eventually(RawHttp.ANSWER, () -> assertEquals(2, openStreams("counter"), "streams.counter"));
            cancelled.reset();
            long reset = System.nanoTime();
            Duration bound = closeNoticeBound();
            try {
                eventually(bound.plusMillis(250), () -> assertEquals(1, openStreams("counter")));
            } catch (AssertionError e) {
                fail("the server still counts a stream " + millisSince(reset) + " ms after its client reset it"
                        + " (RST_STREAM CANCEL); SPEC: noticed within 2 × HEARTBEAT_MS + 1 s = " + bound.toMillis()
                        + " ms");
            }
            // the other stream ticked on all along: its count keeps up with the clock
            long until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            long lastCount = 0;
            while (System.nanoTime() < until) {
                SseFrame tick = kept.nextEvent(atOnce().plusMillis(interval));
                assertNotNull(tick, () -> "the other stream on the connection ended after a reset: " + kept.endedBy());
                lastCount = Long.parseLong(tick.id());
            }
            long expected = millisSince(kept.sentNanos()) / interval;
            long behind = expected - lastCount;
            assertTrue(behind <= 5, "the other stream on the connection fell " + behind + " ticks behind after the"
                    + " reset (tick " + lastCount + " of about " + expected + ")");
            kept.reset();
        }
    }

    /** How many streams 12.8's reset-at-once check opens: enough that some resets land mid-opening. */
    int RESET_AT_ONCE_STREAMS = 20;

    @Test
    @DisplayName("12.8 HTTP/2: streams reset in the same write as their request (the server hears of the reset while"
            + " it opens them) are all freed within 2 × HEARTBEAT_MS + 1 s, and the connection goes on")
    default void streamsResetAsTheyOpenAreFreed() throws IOException {
        try (Http2Wire wire = h2()) {
            awaitNoOpenStreams();
            for (int i = 0; i < RESET_AT_ONCE_STREAMS; i++) {
                wire.getAndReset(i % 2 == 0 ? COUNTER_IDLE : BROADCAST);
            }
            // a request after them on the same connection: the server has read every reset before it answers it
            wire.get("/api/status").body(RawHttp.ANSWER);
            // More than MAX_STREAMS of them: until the server frees the reset ones (it has the bound to do it),
            // a new stream may rightly get 503. So first they must all be freed, then the connection must go on.
            long reset = System.nanoTime();
            Duration bound = closeNoticeBound();
            try {
                eventually(bound.plusMillis(250), () -> assertEquals(0, openStreams(), "open streams"));
            } catch (AssertionError e) {
                fail("the server still counts " + openStreams() + " of " + RESET_AT_ONCE_STREAMS + " streams "
                        + millisSince(reset) + " ms after their client reset them as they opened (HEADERS and"
                        + " RST_STREAM in one write); SPEC: noticed within 2 × HEARTBEAT_MS + 1 s = "
                        + bound.toMillis() + " ms");
            }
            Http2Stream kept = wire.get(COUNTER_IDLE);
            expectOpen(kept); // the connection that carried the resets still serves
            kept.reset();
        }
    }

    @Test
    @DisplayName("12.8 HTTP/2: the streams of a connection that drops without a GOAWAY (nor a TLS close_notify) are"
            + " freed within 2 × HEARTBEAT_MS + 1 s")
    default void droppedConnectionIsFreed() throws IOException {
        Http2Wire wire = h2();
        try {
            awaitNoOpenStreams();
            Http2Stream counter = wire.get(COUNTER_IDLE);
            Http2Stream broadcast = wire.get(BROADCAST);
            for (Http2Stream stream : List.of(counter, broadcast)) {
                expectOpen(stream);
            }
            eventually(RawHttp.ANSWER, () -> assertEquals(2, openStreams(), "open streams"));
        } finally {
            wire.abort();
        }
        long dropped = System.nanoTime();
        Duration bound = closeNoticeBound();
        try {
            eventually(bound.plusMillis(250), () -> assertEquals(0, openStreams()));
        } catch (AssertionError e) {
            fail("the server still counts " + openStreams() + " stream(s) " + millisSince(dropped) + " ms after their"
                    + " connection dropped (no GOAWAY, a TCP reset); SPEC: noticed within 2 × HEARTBEAT_MS + 1 s = "
                    + bound.toMillis() + " ms");
        }
    }

    // ---- 12.9 flow control

    @Test
    @DisplayName("12.9 HTTP/2: a stream whose client grants it no window is closed once over 1 MiB is held for it"
            + " (3 MiB reach it when it reads at last); the connection's other stream, whose client reads, gets every"
            + " event without delay")
    default void streamWithoutWindowIsClosed() throws Exception {
        try (Http2Wire wire = h2()) {
            awaitNoOpenStreams();
            String name = eventName("h2-flood");
            Http2Stream sleeper = wire.open("GET", BROADCAST, true, List.of(), null);
            Http2Stream reader = wire.get(BROADCAST);
            for (Http2Stream stream : List.of(sleeper, reader)) {
                Http2Stream.Answer answer = stream.answer(RawHttp.ANSWER);
                assertEquals(200, answer.status(), answer::describe);
            }
            eventually(RawHttp.ANSWER, () -> assertEquals(2, openStreams("broadcast"), "broadcast subscribers"));

            Duration noDelay = silenceLimit().compareTo(Duration.ofSeconds(2)) < 0 ? silenceLimit() : Duration.ofSeconds(2);
            int events = EverySseResponseChecks.FLOOD_EVENTS;
            Map<Long, Long> receivedAt = new java.util.concurrent.ConcurrentHashMap<>();
            try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
                // the reading client reads as it comes, as a browser does
                Future<?> reading = executor.submit(() -> {
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (receivedAt.size() < events) {
                        SseFrame frame = reader.nextEvent(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                        assertNotNull(frame, () -> "the reading stream ended: " + reader.endedBy());
                        if (name.equals(frame.event())) {
                            receivedAt.put(Long.parseLong(frame.id()), frame.receivedNanos());
                        }
                    }
                    return null;
                });
                Map<Long, Long> publishedAt = new LinkedHashMap<>();
                for (int i = 0; i < events; i++) {
                    String prefix = i + ":";
                    String body = prefix + "x".repeat(EverySseResponseChecks.FLOOD_EVENT_BYTES - prefix.length());
                    long start = System.nanoTime();
                    long id = publish(name, body);
                    long publishMillis = millisSince(start);
                    int n = i + 1;
                    assertTrue(publishMillis <= noDelay.toMillis(), () -> "publish " + n + " took " + publishMillis
                            + " ms while a stream on an HTTP/2 connection had no window");
                    publishedAt.put(id, System.nanoTime());
                }
                try {
                    reading.get(Duration.ofSeconds(30).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    throw new AssertionError("the reading stream on the same connection: " + e.getCause().getMessage()
                            + " (got " + receivedAt.size() + " of " + events + " events)", e.getCause());
                } catch (java.util.concurrent.TimeoutException e) {
                    fail("the reading stream on the same connection got " + receivedAt.size() + " of " + events
                            + " events within 30 s");
                }
                long slowest = 0;
                for (Map.Entry<Long, Long> published : publishedAt.entrySet()) {
                    Long received = receivedAt.get(published.getKey());
                    assertNotNull(received, "the reading stream missed event " + published.getKey());
                    slowest = Math.max(slowest, received - published.getValue());
                }
                long slowestMillis = slowest / 1_000_000;
                assertTrue(slowestMillis <= noDelay.toMillis(), () -> "an event reached the reading stream "
                        + slowestMillis + " ms after it was published, while the other stream on its connection had no"
                        + " window");
            }

            Duration bound = closeNoticeBound().compareTo(Duration.ofSeconds(10)) > 0
                    ? closeNoticeBound() : Duration.ofSeconds(10);
            try {
                eventually(bound, () -> assertEquals(1, openStreams("broadcast")));
            } catch (AssertionError e) {
                fail("the stream without a window was still open after " + events + " events of 64 KiB had been"
                        + " published to it (SPEC: it is closed once over 1 MiB is held for it)");
            }
            // given a window at last, it gets what was held for it, then its end
            sleeper.grant();
            String end;
            try {
                end = sleeper.readToEnd(Duration.ofSeconds(20));
            } catch (IOException e) {
                throw new AssertionError("the server freed the stream without a window, but never ended it on the"
                        + " wire (neither END_STREAM nor RST_STREAM, 20 s after the kit gave it a window; "
                        + sleeper.bytesRead() / 1024 + " KiB came): " + e.getMessage(), e);
            }
            long read = sleeper.bytesRead();
            assertTrue(read <= EverySseResponseChecks.FLOOD_READ_LIMIT, () -> "the stream without a window got "
                    + read / 1024 + " KiB before it ended (" + end + "): more than 1 MiB was held for it (the kit allows "
                    + EverySseResponseChecks.FLOOD_READ_LIMIT / 1024 + " KiB in all)");
            reader.reset();
        }
    }
}
