package workshop.sse.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static workshop.sse.tck.CheckHelpers.assertEventStreamHeaders;
import static workshop.sse.tck.CheckHelpers.assertJsonError;
import static workshop.sse.tck.CheckHelpers.eventName;
import static workshop.sse.tck.Eventually.eventually;
import static workshop.sse.tck.Eventually.millisSince;

import java.io.IOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** SPEC "Every SSE response": what both stream endpoints share, checked on both. */
public interface EverySseResponseChecks extends TckContext {

    static Stream<String> streamEndpoints() {
        return Stream.of(COUNTER_IDLE, BROADCAST);
    }

    @ParameterizedTest(name = "GET {0}", quoteTextArguments = false)
    @MethodSource("streamEndpoints")
    @DisplayName("3.1, 3.2 every SSE response: 200, text/event-stream, no-cache, X-Accel-Buffering: no, no Content-Length,"
            + " never compressed (even when the request says Accept-Encoding: gzip)")
    default void streamHeaders(String target) throws IOException {
        try (RawSseStream stream = openStream(target, "Accept: text/event-stream",
                "Accept-Encoding: gzip, deflate, br")) {
            assertTrue(stream.head().statusLine().startsWith((overHttp2() ? "HTTP/2" : "HTTP/1.1") + " 200"),
                    () -> "GET " + target + ": " + stream.head().statusLine());
            assertEventStreamHeaders(stream.head(), "GET " + target);
        }
    }

    @ParameterizedTest(name = "GET {0}", quoteTextArguments = false)
    @MethodSource("streamEndpoints")
    @DisplayName("3.3 every SSE response: the headers and a first frame retry: <RETRY_MS> arrive at once, before any event")
    default void retryFrameComesFirstAndAtOnce(String target) throws IOException {
        // on the broadcast stream nothing is published: only an unbuffered server gets the frame out at once
        try (RawSseStream stream = openStream(target)) {
            assertEquals(200, stream.status(), () -> "GET " + target + ": " + stream.head().describe());
            long headMillis = (stream.head().receivedNanos() - stream.sentNanos()) / 1_000_000;
            assertTrue(headMillis <= atOnce().toMillis(),
                    () -> "the headers took " + headMillis + " ms, more than 'at once' (" + atOnce().toMillis() + " ms)");
            expectRetryFrame(stream, atOnce());
            long frameMillis = millisSince(stream.sentNanos());
            assertTrue(frameMillis <= atOnce().toMillis(), () -> "the retry frame took " + frameMillis + " ms");
            assertNotNull(stream.nextEvent(RawHttp.ANSWER), "the stream ended right after its retry frame");
        }
    }

    @Test
    @DisplayName("3.4 every SSE response: no stream is silent longer than HEARTBEAT_MS; an idle one gets comment frames"
            + " (a ':' line, then a blank line)")
    default void idleStreamsGetHeartbeats() throws Exception {
        awaitRoomForStreams(2);
        try (RawSseStream counter = openStream(COUNTER_IDLE);
             RawSseStream broadcast = openStream(BROADCAST);
             ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> counterWatch = executor.submit(() -> watchSilence(counter, COUNTER_IDLE));
            Future<?> broadcastWatch = executor.submit(() -> watchSilence(broadcast, BROADCAST));
            for (Future<?> watch : List.of(counterWatch, broadcastWatch)) {
                try {
                    watch.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw (Exception) e.getCause();
                }
            }
        }
    }

    /** Watches a stream for two heartbeat periods: no gap between frames may exceed HEARTBEAT_MS. */
    private Void watchSilence(RawSseStream stream, String target) throws IOException {
        assertEquals(200, stream.status(), () -> "GET " + target + ": " + stream.head().describe());
        long limit = silenceLimit().toNanos();
        long windowEnd = System.nanoTime() + 2 * config().heartbeatMs() * 1_000_000 + limit;
        long last = stream.head().receivedNanos();
        int comments = 0;
        while (System.nanoTime() < windowEnd) {
            long until = Math.min(last + limit, windowEnd);
            SseFrame frame = stream.poll(Duration.ofNanos(Math.max(1_000_000, until - System.nanoTime())));
            if (frame == null) {
                assertTrue(!stream.ended(), () -> "GET " + target + ": the server ended an idle stream");
                if (System.nanoTime() >= last + limit) {
                    fail("GET " + target + ": silent for more than " + silenceLimit().toMillis() + " ms (HEARTBEAT_MS is "
                            + config().heartbeatMs() + ")");
                }
                continue;
            }
            last = frame.receivedNanos();
            if (frame.isComment()) {
                comments++;
            }
        }
        assertTrue(comments > 0, () -> "GET " + target + ": no comment frame in two heartbeat periods");
        return null;
    }

    @ParameterizedTest(name = "{0} stream", quoteTextArguments = false)
    @ValueSource(strings = {"counter", "broadcast"})
    @DisplayName("3.5 every SSE response: a client that closes its connection is noticed (and freed) within"
            + " 2 × HEARTBEAT_MS + 1 s")
    default void closedClientIsNoticed(String kind) throws IOException {
        awaitNoOpenStreams();
        RawSseStream stream = openStream(kind.equals("counter") ? COUNTER_IDLE : BROADCAST);
        try {
            assertEquals(200, stream.status(), () -> stream.head().describe());
            expectRetryFrame(stream, RawHttp.ANSWER);
            eventually(RawHttp.ANSWER, () -> assertEquals(1, openStreams(kind), "streams." + kind + " in /api/status"));
        } finally {
            stream.close(); // an ordinary close (FIN), as when a browser tab goes away
        }
        long closed = System.nanoTime();
        Duration bound = closeNoticeBound();
        try {
            // polling /api/status adds a little: 250 ms of slack
            eventually(bound.plusMillis(250), () -> assertEquals(0, openStreams(kind)));
        } catch (AssertionError e) {
            fail("the server still counts the " + kind + " stream " + millisSince(closed) + " ms after its client closed"
                    + " the connection (SPEC: noticed within 2 × HEARTBEAT_MS + 1 s = " + bound.toMillis() + " ms)");
        }
    }

    static Stream<Arguments> acceptHeaders() {
        return Stream.of(
                arguments("(absent)", "the stream"),
                arguments("*/*", "the stream"),
                arguments("text/*", "the stream"),
                arguments("text/event-stream", "the stream"),
                arguments("TEXT/EVENT-STREAM", "the stream"),
                arguments("text/event-stream;q=0.5", "the stream"),
                arguments("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "the stream"),
                arguments("application/json", "406"),
                arguments("text/html", "406"),
                arguments("text/event-stream;q=0", "406"),
                arguments("text/event-stream; q=0.000", "406"),
                arguments("text/*;q=0", "406"),
                arguments("*/*;q=0", "406"),
                arguments("*/*, text/event-stream;q=0", "406"));
    }

    @ParameterizedTest(name = "Accept: {0} gets {1}", quoteTextArguments = false)
    @MethodSource("acceptHeaders")
    @DisplayName("3.6 every SSE response: Accept is read with media ranges and q values; one that rules"
            + " text/event-stream out gets 406")
    default void acceptIsNegotiated(String accept, String expected) throws IOException {
        for (String target : List.of(COUNTER_IDLE, BROADCAST)) {
            String[] headers = accept.equals("(absent)") ? new String[0] : new String[] {"Accept: " + accept};
            try (RawSseStream stream = openStream(target, headers)) {
                String what = "GET " + target + " with Accept: " + accept;
                if (expected.equals("406")) {
                    assertJsonError(what, 406, stream.response());
                } else {
                    assertEquals(200, stream.status(), () -> what + ": " + stream.head().describe());
                    assertEventStreamHeaders(stream.head(), what);
                }
                stream.abort();
            }
        }
    }

    @Test
    @DisplayName("3.7, 9.1 every SSE response: beyond MAX_STREAMS open streams (counter and broadcast together) a new one"
            + " gets 503 with Retry-After")
    default void streamsBeyondMaxStreamsGet503() throws IOException {
        assumeOneInstance("3.7");
        int max = config().maxStreams();
        Assumptions.assumeTrue(max <= 200, "MAX_STREAMS is " + max + ": opening that many streams is unreasonable;"
                + " start the server with MAX_STREAMS=12 (anything up to 200) to run this check");
        awaitNoOpenStreams();
        List<RawSseStream> open = new ArrayList<>();
        try {
            for (int i = 1; i <= max; i++) {
                String target = i % 2 == 1 ? COUNTER_IDLE : BROADCAST;
                RawSseStream stream = openStreamNow(target);
                open.add(stream);
                int n = i;
                assertEquals(200, stream.status(), () -> "stream " + n + " of MAX_STREAMS=" + max + " (" + target
                        + ") must be served: " + stream.head().describe());
            }
            eventually(RawHttp.ANSWER, () -> assertEquals(max, openStreams(), "open streams in /api/status"));
            for (String target : List.of(COUNTER_IDLE, BROADCAST)) {
                // from a page of an allowed origin, which must be able to read the 503 too (SPEC 9.1)
                try (RawSseStream extra = openStreamNow(target, "Origin: " + PAGE_ORIGIN)) {
                    RawResponse response = extra.response();
                    assertJsonError("stream " + (max + 1) + " (" + target + ")", 503, response);
                    String retryAfter = response.header("Retry-After");
                    assertTrue(retryAfter != null && isRetryAfter(retryAfter),
                            () -> "a 503 must carry Retry-After (seconds or an HTTP date), was " + retryAfter);
                    assertEquals(List.of(PAGE_ORIGIN), response.head().headers("Access-Control-Allow-Origin"),
                            () -> "9.1: Access-Control-Allow-Origin on the 503: " + response.describe());
                    assertTrue(response.head().tokens("Vary").contains("origin"),
                            () -> "9.1: Vary: Origin on the 503: " + response.describe());
                }
            }
            // one stream goes away: once the server noticed, there is room for exactly one again
            open.remove(0).abort();
            eventually(closeNoticeBound().plusMillis(500), () -> {
                try (RawSseStream again = openStreamNow(BROADCAST)) {
                    assertEquals(200, again.status(), "a stream after one of MAX_STREAMS closed");
                    again.abort();
                }
            });
        } finally {
            open.forEach(RawSseStream::abort);
        }
    }

    private static boolean isRetryAfter(String value) {
        if (value.strip().matches("\\d+")) {
            return true;
        }
        try {
            ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    static Stream<Arguments> lastEventIds() {
        return Stream.of(
                arguments("7", 8L),
                arguments("007", 8L),
                arguments("123456789012345678", 123456789012345679L),
                arguments("abc", 1L),
                arguments("-1", 1L),
                arguments("+5", 1L),
                arguments("1234567890123456789", 1L),
                arguments("１２", 1L),
                arguments("", 1L),
                arguments("12abc", 1L),
                arguments("1.5", 1L),
                arguments("0x10", 1L));
    }

    @ParameterizedTest(name = "Last-Event-ID: {0} → first tick {1}")
    @MethodSource("lastEventIds")
    @DisplayName("3.9 every SSE response: an event id counts only when it is 1 to 18 ASCII digits, anything else is no id"
            + " (seen in the counter's first tick)")
    default void lastEventIdMustBeOneToEighteenDigits(String value, long firstCount) throws IOException {
        try (RawSseStream stream = openStream(COUNTER_IDLE, "Last-Event-ID: " + value)) {
            assertEquals(200, stream.status(), () -> "Last-Event-ID: " + value + ": " + stream.head().describe());
            SseFrame tick = stream.nextEvent(RawHttp.ANSWER);
            assertNotNull(tick, "the counter stream ended before its first tick");
            assertEquals(String.valueOf(firstCount), tick.id(),
                    () -> "with Last-Event-ID: " + Printable.of(value) + " the first tick must be " + firstCount
                            + ", was " + tick.describe());
            stream.abort();
        }
    }

    @ParameterizedTest(name = "HEAD {0}", quoteTextArguments = false)
    @MethodSource("streamEndpoints")
    @DisplayName("3.10 every SSE response: HEAD on a stream endpoint answers the stream's headers and no body")
    default void headOnAStreamHasNoBody(String target) throws IOException {
        if (overHttp2()) {
            // the kit's HTTP/2 client ends a HEAD at its headers: the status and the stream's headers are checked
            RawResponse head = request("HEAD", target);
            assertEquals(200, head.status(), () -> "HEAD " + target + ": " + head.describe());
            assertEventStreamHeaders(head.head(), "HEAD " + target);
            return;
        }
        try (RawHttp conn = connect()) {
            conn.send(conn.head("HEAD", target));
            HttpHead head = conn.readHead(RawHttp.ANSWER);
            assertEquals(200, head.status(), () -> "HEAD " + target + ": " + head.describe());
            assertEventStreamHeaders(head, "HEAD " + target);
            // a GET would get its retry frame at once: wait that long for bytes that must not come
            RawHttp.Probe probe = conn.probe(atOnce());
            assertEquals(0, probe.bytes().length,
                    () -> "HEAD " + target + " answered with body bytes: " + Printable.of(probe.bytes()));
            if (!probe.closed()) {
                // the answer must also be complete: the connection takes the next request
                conn.send(conn.head("GET", "/api/status"));
                HttpHead next = conn.readHead(RawHttp.ANSWER);
                assertEquals(200, next.status(), () -> "GET /api/status after HEAD " + target + ": " + next.describe());
            }
        }
    }

    /** 96 events of 64 KiB: 6 MiB, far past 1 MiB plus any socket buffers, and within the kit's history of 100. */
    int FLOOD_EVENTS = 96;
    int FLOOD_EVENT_BYTES = 64 * 1024;
    /** What a client that never reads may find sent to it in the end: the 1 MiB bound plus socket buffers. */
    long FLOOD_READ_LIMIT = 3L * 1024 * 1024;

    @Test
    @DisplayName("3.8 every SSE response: a client that never reads delays no one else; its stream is closed after at"
            + " most 1 MiB held back (3 MiB reach it, socket buffers included), and it catches up through replay")
    default void aClientThatNeverReadsDelaysNoOne() throws Exception {
        assumeHttp11("a client that never reads is a stream whose window it never opens: its HTTP/2 form is checked"
                + " by 12.9");
        awaitNoOpenStreams();
        String name = eventName("flood");
        long before = status().path("lastEventId").asLong();
        Map<Long, String> bodies = new LinkedHashMap<>();
        try (EventStream reader = events(BROADCAST);
             RawHttp sleeperConnection = connect(4 * 1024);
             RawSseStream sleeper = RawSseStream.open(sleeperConnection, "GET", BROADCAST,
                     "Last-Event-ID: " + before)) {
            // a small receive buffer, set before connecting, keeps the TCP window small; and this client never reads
            assertEquals(200, sleeper.status(), () -> "GET " + BROADCAST + ": " + sleeper.head().describe());
            eventually(RawHttp.ANSWER, () -> assertEquals(2, openStreams("broadcast"), "broadcast subscribers"));

            // "Delays no one": the reader is never held up longer than the SPEC lets any stream be silent
            // (HEARTBEAT_MS), and never more than 2 s.
            Duration noDelay = silenceLimit().compareTo(Duration.ofSeconds(2)) < 0 ? silenceLimit() : Duration.ofSeconds(2);
            Map<Long, Long> publishedAt = new LinkedHashMap<>();
            for (int i = 0; i < FLOOD_EVENTS; i++) {
                String prefix = i + ":";
                String body = prefix + "x".repeat(FLOOD_EVENT_BYTES - prefix.length());
                long start = System.nanoTime();
                long id = publish(name, body);
                long publishMillis = millisSince(start);
                int n = i + 1;
                // fail at the first slow one: 96 slow publishes would take minutes
                assertTrue(publishMillis <= noDelay.toMillis(), () -> "publish " + n + " took " + publishMillis
                        + " ms while a subscriber did not read");
                publishedAt.put(id, System.nanoTime());
                bodies.put(id, body);
            }

            long slowest = 0;
            long readDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            for (Map.Entry<Long, Long> published : publishedAt.entrySet()) {
                Duration left = Duration.ofNanos(Math.max(1, readDeadline - System.nanoTime()));
                EventStream.Event event = reader.next(e -> name.equals(e.type()), left);
                assertEquals(String.valueOf(published.getKey()), event.id(), "the reading subscriber missed an event");
                slowest = Math.max(slowest, event.receivedNanos() - published.getValue());
            }
            long slowestMillis = slowest / 1_000_000;
            assertTrue(slowestMillis <= noDelay.toMillis(), () -> "an event reached the reading subscriber "
                    + slowestMillis + " ms after it was published, while another subscriber did not read");

            // the server closed the stream it could not deliver
            Duration bound = closeNoticeBound().compareTo(Duration.ofSeconds(10)) > 0
                    ? closeNoticeBound() : Duration.ofSeconds(10);
            try {
                eventually(bound, () -> assertEquals(1, openStreams("broadcast")));
            } catch (AssertionError e) {
                fail("the stream of a client that never reads was still open after " + FLOOD_EVENTS
                        + " events of 64 KiB had been published to it (SPEC: the output held for it is bounded to 1 MiB,"
                        + " then it is closed)");
            }

            // what it gets when it reads at last: what the socket buffers took and at most 1 MiB more, then the end
            List<SseFrame> frames = sleeper.readToEnd(Duration.ofSeconds(20));
            long read = sleeper.bytesRead();
            assertTrue(read <= FLOOD_READ_LIMIT, () -> "the client that never read got " + read / 1024 + " KiB of its"
                    + " stream before the server closed it: more than 1 MiB was held for it (SPEC: at most 1 MiB beyond"
                    + " the socket buffers; the kit allows " + FLOOD_READ_LIMIT / 1024 + " KiB in all)");
            long lastSeen = before;
            for (SseFrame frame : frames) {
                if (frame.id() != null) {
                    lastSeen = Long.parseLong(frame.id());
                }
            }

            // and reconnecting as EventSource would, it catches up with nothing lost
            int capacity = config().historyCapacity();
            Assumptions.assumeTrue(capacity >= FLOOD_EVENTS, "the bound held; the catch-up through replay was not"
                    + " checked: it needs HISTORY_SIZE=" + FLOOD_EVENTS + " or more (history.capacity is " + capacity + ")");
            long resumeFrom = lastSeen;
            try (RawSseStream again = openStream(BROADCAST, "Last-Event-ID: " + resumeFrom)) {
                for (Map.Entry<Long, String> published : bodies.entrySet()) {
                    if (published.getKey() <= resumeFrom) {
                        continue;
                    }
                    SseFrame event = again.nextEvent(RawHttp.ANSWER);
                    assertNotNull(event, "the stream ended during the replay after Last-Event-ID: " + resumeFrom);
                    assertEquals(String.valueOf(published.getKey()), event.id(), () -> "replay after the overflow"
                            + " (Last-Event-ID: " + resumeFrom + "): " + event.describe());
                    assertEquals(published.getValue(), event.data(), () -> "the data of event " + published.getKey()
                            + " in the replay");
                }
                again.abort();
            }
        }
    }
}
