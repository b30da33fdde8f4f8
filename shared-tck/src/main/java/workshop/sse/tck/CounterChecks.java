package workshop.sse.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static workshop.sse.tck.CheckHelpers.assertEventStreamHeaders;
import static workshop.sse.tck.CheckHelpers.assertJsonError;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** SPEC "GET /api/counter": the per-connection counter stream. */
public interface CounterChecks extends TckContext {

    @ParameterizedTest(name = "GET /api/counter?{0}", quoteTextArguments = false)
    @ValueSource(strings = {"interval=49", "interval=60001", "interval=0", "interval=-100", "interval=abc",
            "interval=", "interval=1.5", "interval=99999999999999999999", "limit=0", "limit=1000001", "limit=-1",
            "limit=abc", "limit=", "limit=2.5", "limit=99999999999999999999"})
    @DisplayName("4.1 GET /api/counter: interval (50..60000) or limit (1..1000000) out of range or not a number is 400")
    default void badIntervalOrLimitIs400(String query) throws IOException {
        // on a raw socket: a server that wrongly streams must not make this check wait for the stream's end
        try (RawSseStream stream = openStream("/api/counter?" + query)) {
            assertJsonError("GET /api/counter?" + query, 400, stream.response());
        }
    }

    @ParameterizedTest(name = "GET /api/counter?{0}", quoteTextArguments = false)
    @ValueSource(strings = {"interval=50", "interval=60000", "limit=1", "limit=1000000", "interval=1000&limit=1000000"})
    @DisplayName("4.1 GET /api/counter: the bounds of interval (50, 60000) and limit (1, 1000000) are accepted")
    default void boundsAreAccepted(String query) throws IOException {
        try (RawSseStream stream = openStream("/api/counter?" + query)) {
            assertEquals(200, stream.status(), () -> "GET /api/counter?" + query + ": " + stream.head().describe());
            assertEventStreamHeaders(stream.head(), "GET /api/counter?" + query);
            stream.abort();
        }
    }

    @Test
    @DisplayName("4.2 GET /api/counter: events are id: <n>, event: tick, data: {\"count\":<n>,\"at\":\"<ISO-8601 instant>\"}")
    default void ticksHaveIdEventAndData() throws IOException {
        try (RawSseStream stream = openStream("/api/counter?interval=100")) {
            assertEquals(200, stream.status(), () -> stream.head().describe());
            expectRetryFrame(stream, RawHttp.ANSWER);
            Instant previous = null;
            for (long n = 1; n <= 3; n++) {
                SseFrame tick = stream.nextEvent(RawHttp.ANSWER);
                assertNotNull(tick, "the stream ended");
                List<String> names = tick.fields().stream().map(SseFrame.Field::name).sorted().toList();
                assertEquals(List.of("data", "event", "id"), names,
                        () -> "a tick has exactly one id, event and data line, was " + tick.describe());
                assertEquals(String.valueOf(n), tick.id(), () -> "id of tick: " + tick.describe());
                assertEquals("tick", tick.event(), () -> "event of tick: " + tick.describe());
                JsonNode data = JSON.readTree(tick.data());
                Set<String> fields = new TreeSet<>();
                data.fieldNames().forEachRemaining(fields::add);
                assertEquals(Set.of("at", "count"), fields, () -> "data of tick: " + tick.data());
                assertTrue(data.get("count").isIntegralNumber() && data.get("count").asLong() == n,
                        () -> "count must be the number " + tick.id() + ": " + tick.data());
                assertTrue(data.get("at").isTextual(), () -> "at must be a string: " + tick.data());
                Instant at = instant(data.get("at").asText());
                if (previous != null) {
                    assertFalse(at.isBefore(previous), () -> "at went backwards: " + tick.data());
                }
                previous = at;
                if (isLoopback()) {
                    // same machine, same clock: the instant is now
                    Instant now = Instant.now();
                    assertTrue(Duration.between(at, now).abs().toSeconds() < 60,
                            () -> "at is not the time of the tick: " + tick.data() + ", now is " + now);
                }
            }
        }
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException again) {
                throw new AssertionError("at is not an ISO-8601 instant: " + Printable.of(text));
            }
        }
    }

    private boolean isLoopback() {
        try {
            return InetAddress.getByName(base().getHost()).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    @DisplayName("4.3 GET /api/counter: the first tick is written at once, right after retry:")
    default void firstTickComesAtOnce() throws IOException {
        try (RawSseStream stream = openStream("/api/counter?interval=60000")) {
            assertEquals(200, stream.status(), () -> stream.head().describe());
            expectRetryFrame(stream, atOnce());
            SseFrame tick = stream.nextEvent(atOnce());
            assertNotNull(tick, "the stream ended");
            long millis = (tick.receivedNanos() - stream.sentNanos()) / 1_000_000;
            assertTrue(millis <= atOnce().toMillis(), () -> "the first tick came after " + millis + " ms, with"
                    + " interval=60000 it must not wait for the interval");
            assertEquals("1", tick.id(), () -> "first tick: " + tick.describe());
            stream.abort();
        }
    }

    @Test
    @DisplayName("4.1 GET /api/counter: without interval, the ticks are 1000 ms apart")
    default void defaultIntervalIsOneSecond() throws IOException {
        try (RawSseStream stream = openStream("/api/counter")) {
            assertEquals(200, stream.status(), () -> stream.head().describe());
            SseFrame first = stream.nextEvent(RawHttp.ANSWER);
            SseFrame second = stream.nextEvent(Duration.ofSeconds(3));
            assertNotNull(first, "no first tick");
            assertNotNull(second, "no second tick");
            long apart = (second.receivedNanos() - first.receivedNanos()) / 1_000_000;
            assertTrue(apart >= 800 && apart <= 1_500, () -> "ticks 1 and 2 came " + apart + " ms apart without"
                    + " interval (the default is 1000)");
            stream.abort();
        }
    }

    @Test
    @DisplayName("4.3 GET /api/counter: after the first tick, one every interval ms")
    default void ticksComeEveryInterval() throws IOException {
        int interval = 200;
        try (RawSseStream stream = openStream("/api/counter?interval=" + interval)) {
            assertEquals(200, stream.status(), () -> stream.head().describe());
            List<Long> arrivals = new ArrayList<>();
            for (int n = 1; n <= 6; n++) {
                SseFrame tick = stream.nextEvent(RawHttp.ANSWER);
                assertNotNull(tick, "the stream ended");
                assertEquals(String.valueOf(n), tick.id(), () -> "tick " + tick.describe());
                arrivals.add(tick.receivedNanos());
            }
            long fiveIntervals = (arrivals.get(5) - arrivals.get(0)) / 1_000_000;
            assertTrue(fiveIntervals >= 5 * interval * 8 / 10 && fiveIntervals <= 5 * interval * 3 / 2 + 200,
                    () -> "ticks 1 to 6 took " + fiveIntervals + " ms with interval=" + interval + " (expected about "
                            + 5 * interval + ")");
            stream.abort();
        }
    }

    @Test
    @DisplayName("4.4 GET /api/counter: n starts at L + 1 when the request carries Last-Event-ID: L (a reconnecting"
            + " EventSource resumes)")
    default void resumesAfterLastEventId() throws IOException {
        try (EventStream stream = events("/api/counter?interval=100", Map.of("Last-Event-ID", "41"))) {
            EventStream.Event first = stream.next(RawHttp.ANSWER);
            assertEquals("42", first.id(), () -> "first event after Last-Event-ID: 41: " + first.describe());
            assertEquals("tick", first.type(), () -> first.describe());
            assertEquals(42, JSON.readTree(first.data()).path("count").asLong(), () -> first.describe());
        }
    }

    @Test
    @DisplayName("4.5 GET /api/counter: with limit, the server closes the stream after the event whose count is limit")
    default void limitEndsTheStream() throws IOException {
        expectTicksThenEnd("/api/counter?interval=50&limit=3", null, List.of("1", "2", "3"));
    }

    @Test
    @DisplayName("4.5 GET /api/counter: counts are absolute: resuming after 41 with limit=43 sends 42 and 43, then ends")
    default void limitCountsAreAbsolute() throws IOException {
        expectTicksThenEnd("/api/counter?interval=50&limit=43", "41", List.of("42", "43"));
    }

    private void expectTicksThenEnd(String target, String lastEventId, List<String> ids) throws IOException {
        String[] headers = lastEventId == null ? new String[0] : new String[] {"Last-Event-ID: " + lastEventId};
        try (RawSseStream stream = openStream(target, headers)) {
            assertEquals(200, stream.status(), () -> stream.head().describe());
            for (String id : ids) {
                SseFrame tick = stream.nextEvent(RawHttp.ANSWER);
                assertNotNull(tick, () -> target + ": the stream ended before tick " + id);
                assertEquals(id, tick.id(), () -> target + ": " + tick.describe());
            }
            List<SseFrame> after = stream.readToEnd(RawHttp.ANSWER);
            after.stream().filter(SseFrame::isEvent).findFirst().ifPresent(frame ->
                    fail(target + ": an event after the limit: " + frame.describe()));
        }
    }

    static List<Arguments> finishedCounters() {
        return List.of(arguments("43", 43), arguments("50", 43), arguments("1", 1));
    }

    @ParameterizedTest(name = "Last-Event-ID: {0}, limit={1}", quoteTextArguments = false)
    @MethodSource("finishedCounters")
    @DisplayName("4.6 GET /api/counter: a request whose Last-Event-ID is already >= limit is answered 204 (EventSource"
            + " stops reconnecting)")
    default void finishedCounterIs204(String lastEventId, int limit) throws IOException {
        RawResponse response = request("GET", "/api/counter?interval=50&limit=" + limit,
                "Last-Event-ID: " + lastEventId);
        assertEquals(204, response.status(), () -> "Last-Event-ID: " + lastEventId + " with limit=" + limit + ": "
                + response.describe());
    }
}
