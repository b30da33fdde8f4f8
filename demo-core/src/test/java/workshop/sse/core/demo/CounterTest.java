package workshop.sse.core.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import workshop.sse.core.http.ApiError;
import workshop.sse.core.wire.Outbox;
import workshop.sse.core.wire.SseMessage;
import workshop.sse.core.wire.SseStream;

class CounterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ScheduledThreadPoolExecutor timer;

    @BeforeEach
    void startTimer() {
        timer = new ScheduledThreadPoolExecutor(1);
    }

    @AfterEach
    void stopTimer() throws InterruptedException {
        timer.shutdownNow();
        assertTrue(timer.awaitTermination(5, TimeUnit.SECONDS));
    }

    @Test
    void planDefaultsAreOneSecondNoLimitFromOne() {
        assertEquals(new Counter.Plan(1000, 0, 1), Counter.plan(null, null, OptionalLong.empty()));
    }

    @Test
    void planResumesAfterTheLastEventId() {
        assertEquals(42, Counter.plan(null, null, OptionalLong.of(41)).firstCount());
        assertEquals(1, Counter.plan(null, null, OptionalLong.of(0)).firstCount());
    }

    @Test
    void planReadsIntervalAndLimit() {
        assertEquals(new Counter.Plan(250, 43, 1), Counter.plan("250", "43", OptionalLong.empty()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"50", "60000", "1000", "050"})
    void intervalInRangeIsAccepted(String interval) {
        assertEquals(Long.parseLong(interval), Counter.plan(interval, null, OptionalLong.empty()).intervalMs());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "1000000"})
    void limitInRangeIsAccepted(String limit) {
        assertEquals(Long.parseLong(limit), Counter.plan(null, limit, OptionalLong.empty()).limit());
    }

    @ParameterizedTest
    @ValueSource(strings = {"49", "60001", "0", "", "-1", "1e3", " 100", "100 ", "abc", "1.5", "+100", "9999999999",
            "99999999999999999999", "１００"})
    void intervalOutOfRangeOrNotANumberIs400NamingIt(String interval) {
        ApiError e = assertThrows(ApiError.class, () -> Counter.plan(interval, null, OptionalLong.empty()));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("interval"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1000001", "", "-1", "1e3", " 100", "ten", "99999999999999999999"})
    void limitOutOfRangeOrNotANumberIs400NamingIt(String limit) {
        ApiError e = assertThrows(ApiError.class, () -> Counter.plan(null, limit, OptionalLong.empty()));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("limit"), e.getMessage());
    }

    @Test
    void alreadyDoneWhenTheLastEventIdReachedTheLimit() {
        assertTrue(Counter.plan(null, "43", OptionalLong.of(43)).alreadyDone());
        assertTrue(Counter.plan(null, "43", OptionalLong.of(100)).alreadyDone());
        assertFalse(Counter.plan(null, "43", OptionalLong.of(42)).alreadyDone());
        assertFalse(Counter.plan(null, "43", OptionalLong.empty()).alreadyDone());
        assertFalse(Counter.plan(null, null, OptionalLong.of(999_999_999_999_999_999L)).alreadyDone(),
                "without a limit the counter is never done");
    }

    @Test
    void tickIsAnEventWithIdCountAndInstant() throws Exception {
        Instant before = Instant.now();
        SseMessage.Event tick = Counter.tick(7);
        assertEquals("7", tick.id());
        assertEquals("tick", tick.name());
        JsonNode data = JSON.readTree(tick.data());
        assertEquals(7, data.get("count").asLong());
        Instant at = Instant.parse(data.get("at").asText());
        assertFalse(at.isBefore(before.minusSeconds(1)));
        assertFalse(at.isAfter(Instant.now().plusSeconds(1)));
        assertEquals(List.of("count", "at"), fieldNames(data));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static SseMessage.Event nextTick(SseStream stream) throws InterruptedException {
        SseMessage m = stream.outbox().take(5, TimeUnit.SECONDS);
        assertNotNull(m, "a tick should have come");
        return assertInstanceOf(SseMessage.Event.class, m);
    }

    @Test
    void startTicksAtOnce() throws Exception {
        SseStream stream = new SseStream(SseStream.Kind.COUNTER);
        Counter.start(stream, new Counter.Plan(60_000, 0, 1), timer);
        SseMessage.Event first = nextTick(stream); // a minute-long interval: only an immediate tick can come in time
        assertEquals("1", first.id());
        assertEquals(1, JSON.readTree(first.data()).get("count").asLong());
        assertNull(stream.outbox().poll(), "the second tick waits for the interval");
        stream.end();
    }

    @Test
    void startTicksEveryIntervalAndFinishesAfterTheLimitTick() throws Exception {
        SseStream stream = new SseStream(SseStream.Kind.COUNTER);
        long start = System.nanoTime();
        Counter.start(stream, new Counter.Plan(50, 4, 1), timer);
        List<Long> counts = new ArrayList<>();
        List<Instant> ats = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            SseMessage.Event tick = nextTick(stream);
            assertEquals(Integer.toString(i), tick.id());
            assertEquals("tick", tick.name());
            JsonNode data = JSON.readTree(tick.data());
            counts.add(data.get("count").asLong());
            ats.add(Instant.parse(data.get("at").asText()));
        }
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(List.of(1L, 2L, 3L, 4L), counts);
        assertTrue(elapsedMs >= 150, "four ticks 50 ms apart take at least 150 ms, took " + elapsedMs);
        assertTrue(!Duration.between(ats.get(0), ats.get(3)).isNegative());
        assertSame(SseMessage.END, stream.outbox().take(5, TimeUnit.SECONDS), "the stream ends after the limit tick");
        assertEquals(Outbox.Closing.FINISHED, stream.outbox().closing());
        stream.end();
    }

    @Test
    void resumedCounterSendsOnlyTheCountsUpToTheLimit() throws Exception {
        SseStream stream = new SseStream(SseStream.Kind.COUNTER);
        Counter.Plan plan = Counter.plan("50", "43", OptionalLong.of(41));
        Counter.start(stream, plan, timer);
        assertEquals("42", nextTick(stream).id());
        assertEquals("43", nextTick(stream).id());
        assertSame(SseMessage.END, stream.outbox().take(5, TimeUnit.SECONDS));
        stream.end();
    }

    @Test
    void endingTheStreamStopsTheTicks() throws Exception {
        SseStream stream = new SseStream(SseStream.Kind.COUNTER);
        Counter.start(stream, new Counter.Plan(50, 0, 1), timer);
        nextTick(stream);
        stream.end();
        // once ended, the scheduled ticking is cancelled: the timer's queue empties
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!timer.getQueue().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(timer.getQueue().isEmpty(), "the ticking task is gone");
    }
}
