package workshop.sse.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static workshop.sse.tck.CheckHelpers.eventName;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** SPEC "GET /api/broadcast": ids, replay, the gap event, the order after connecting, presence. */
public interface BroadcastChecks extends TckContext {

    private static Predicate<EventStream.Event> type(String type) {
        return event -> type.equals(event.type());
    }

    private List<Long> publishMany(String name, int count) throws IOException {
        List<Long> ids = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            ids.add(publish(name, name + " " + i));
        }
        return ids;
    }

    /**
     * The next event that is not a presence: other subscribers coming and going (streams of earlier checks that the
     * server notices closed only now) may send presence events at any time after a subscriber's own.
     */
    private static SseFrame nextNonPresence(RawSseStream stream) throws IOException {
        while (true) {
            SseFrame frame = stream.nextEvent(RawHttp.ANSWER);
            if (frame == null || !frame.isPresence()) {
                return frame;
            }
        }
    }

    @Test
    @DisplayName("5.1 GET /api/broadcast: events are id: <n>, event: <name>, data:, and n grows by one with every publish")
    default void idsGrowByOne() throws IOException {
        String name = eventName("ids");
        try (RawSseStream stream = openStream(BROADCAST)) {
            expectRetryFrame(stream, RawHttp.ANSWER);
            SseFrame presence = stream.nextEvent(RawHttp.ANSWER);
            assertTrue(presence != null && presence.isPresence(), () -> "expected own presence, got " + presence);
            long before = lastEventId();
            List<Long> ids = publishMany(name, 3);
            assertEquals(List.of(before + 1, before + 2, before + 3), ids,
                    () -> "ids answered by three publishes after lastEventId " + before);
            for (int i = 0; i < 3; i++) {
                SseFrame event = nextNonPresence(stream);
                assertNotNull(event, "the stream ended");
                String expectedId = String.valueOf(ids.get(i));
                assertEquals(expectedId, event.id(), () -> "event " + event.describe());
                assertEquals(name, event.event(), () -> "event " + event.describe());
                assertEquals(name + " " + (i + 1), event.data(), () -> "event " + event.describe());
            }
            assertEquals(before + 3, lastEventId(), "lastEventId in /api/status after three publishes");
        }
    }

    @Test
    @DisplayName("5.2 GET /api/broadcast: replay from Last-Event-ID: L sends every retained event with id > L, in order"
            + " (never a presence), then live ones")
    default void replayFromLastEventIdHeader() throws IOException {
        assumeHistoryOf(3);
        String name = eventName("replay-header");
        List<Long> ids = new ArrayList<>(publishMany(name, 1));
        // a subscriber comes and goes between the publishes: its presence events must not be replayed
        try (RawSseStream other = openStream(BROADCAST)) {
            expectRetryFrame(other, RawHttp.ANSWER);
            SseFrame presence = other.nextEvent(RawHttp.ANSWER);
            assertTrue(presence != null && presence.isPresence(), () -> "own presence: " + presence);
            ids.addAll(publishMany(name, 2));
            other.abort();
        }
        try (EventStream stream = events(BROADCAST, Map.of("Last-Event-ID", String.valueOf(ids.get(0))))) {
            expectReplayThenLive(stream, name, ids.subList(1, 3));
        }
    }

    @Test
    @DisplayName("5.2 GET /api/broadcast: without a valid Last-Event-ID header, replay starts after the query"
            + " lastEventId=L")
    default void replayFromQuery() throws IOException {
        assumeHistoryOf(3);
        String name = eventName("replay-query");
        List<Long> ids = publishMany(name, 3);
        try (EventStream stream = events(BROADCAST + "?lastEventId=" + ids.get(0))) {
            expectReplayThenLive(stream, name, ids.subList(1, 3));
        }
    }

    @Test
    @DisplayName("5.2 GET /api/broadcast: a valid Last-Event-ID header wins over the query lastEventId")
    default void headerWinsOverQuery() throws IOException {
        assumeHistoryOf(3);
        String name = eventName("replay-wins");
        List<Long> ids = publishMany(name, 3);
        try (EventStream stream = events(BROADCAST + "?lastEventId=" + ids.get(0),
                Map.of("Last-Event-ID", String.valueOf(ids.get(1))))) {
            expectReplayThenLive(stream, name, ids.subList(2, 3));
        }
    }

    @Test
    @DisplayName("5.2, 3.9 GET /api/broadcast: an invalid Last-Event-ID header counts as none, so the valid query applies")
    default void invalidHeaderFallsBackToQuery() throws IOException {
        assumeHistoryOf(3);
        String name = eventName("replay-fallback");
        List<Long> ids = publishMany(name, 3);
        try (EventStream stream = events(BROADCAST + "?lastEventId=" + ids.get(0), Map.of("Last-Event-ID", "abc"))) {
            expectReplayThenLive(stream, name, ids.subList(1, 3));
        }
    }

    /** The replayed events, in order, then (own presence and then) a live one. */
    private void expectReplayThenLive(EventStream stream, String name, List<Long> replayed) throws IOException {
        List<EventStream.Event> events = stream.next(replayed.size() + 1, event -> true, RawHttp.ANSWER);
        for (int i = 0; i < replayed.size(); i++) {
            EventStream.Event event = events.get(i);
            assertEquals(String.valueOf(replayed.get(i)), event.id(), () -> "replayed events " + describe(events));
            assertEquals(name, event.type(), () -> "replayed events " + describe(events));
        }
        assertEquals("presence", events.get(replayed.size()).type(),
                () -> "after the replay comes the subscriber's own presence: " + describe(events));
        long live = publish(name, "live");
        EventStream.Event event = stream.next(type(name), RawHttp.ANSWER);
        assertEquals(String.valueOf(live), event.id(), () -> "the live event after the replay: " + event.describe());
    }

    private static String describe(List<EventStream.Event> events) {
        return events.stream().map(EventStream.Event::describe).toList().toString();
    }

    static Stream<Arguments> invalidIds() {
        // each would replay something if it were read as a number (the history holds ids 1 and up)
        return Stream.of(
                arguments("header", "abc"), arguments("header", "-1"), arguments("header", "+1"),
                arguments("header", "0000000000000000001"), arguments("header", "１"), arguments("header", "1.0"),
                arguments("header", ""),
                arguments("query", "abc"), arguments("query", "-1"), arguments("query", "+1"),
                arguments("query", "0000000000000000001"), arguments("query", "１"), arguments("query", " 1"),
                arguments("query", ""));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("invalidIds")
    @DisplayName("3.9, 5.2 GET /api/broadcast: an id that is not 1 to 18 ASCII digits (header or query) replays nothing")
    default void invalidIdsReplayNothing(String where, String value) throws IOException {
        String name = eventName("invalid-id");
        publishMany(name, 2); // so that there is something that a misread id would replay
        String target = where.equals("query")
                ? BROADCAST + "?lastEventId=" + URLEncoder.encode(value, StandardCharsets.UTF_8)
                : BROADCAST;
        String[] headers = where.equals("header") ? new String[] {"Last-Event-ID: " + value} : new String[0];
        try (RawSseStream stream = openStream(target, headers)) {
            assertEquals(200, stream.status(), () -> where + " " + Printable.of(value) + ": " + stream.head().describe());
            expectRetryFrame(stream, RawHttp.ANSWER);
            SseFrame first = stream.nextEvent(RawHttp.ANSWER);
            assertTrue(first != null && first.isPresence(),
                    () -> "with the " + where + " id " + Printable.of(value) + " nothing may be replayed; first event: "
                            + first);
            stream.abort();
        }
    }

    @Test
    @DisplayName("5.2 GET /api/broadcast: nothing is lost or doubled at the seam between replay and live, while"
            + " publishes race reconnects")
    default void nothingLostOrDoubledAtTheSeam() throws Exception {
        assumeHistoryOf(20);
        String name = eventName("seam");
        int total = 60;
        List<Long> published = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Throwable> publisherFailure = new AtomicReference<>();
        List<Long> received = new ArrayList<>();
        EventStream stream = events(BROADCAST);
        Thread publisher = null;
        try {
            stream.next(type("presence"), RawHttp.ANSWER);
            publisher = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 1; i <= total; i++) {
                        published.add(publish(name, "seam " + i));
                        Eventually.sleep(Duration.ofMillis(10));
                    }
                } catch (Throwable e) {
                    publisherFailure.set(e);
                }
            });
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int round = 0;
            while (received.size() < total && System.nanoTime() < deadline && publisherFailure.get() == null) {
                // read a few events, then drop the connection and reconnect at once with the last id seen
                int take = 3 + round++ % 5;
                for (int k = 0; k < take && received.size() < total; k++) {
                    EventStream.Event event = stream.next(type(name).or(type("gap")), RawHttp.ANSWER);
                    if (event.type().equals("gap")) {
                        Assumptions.abort("the history (HISTORY_SIZE=" + config().historyCapacity() + ") dropped events"
                                + " during a reconnect, so the seam cannot be judged: start the server with a larger"
                                + " HISTORY_SIZE");
                    }
                    received.add(Long.parseLong(event.id()));
                }
                stream.close();
                String lastId = String.valueOf(received.get(received.size() - 1));
                stream = events(BROADCAST, Map.of("Last-Event-ID", lastId));
            }
        } finally {
            stream.close();
            if (publisher != null) {
                publisher.join(Duration.ofSeconds(10));
            }
        }
        if (publisherFailure.get() != null) {
            throw new AssertionError("publishing failed: " + publisherFailure.get().getMessage(), publisherFailure.get());
        }
        assertEquals(published, received, "the events received over the reconnects must be exactly the ones"
                + " published, once each, in order");
        for (int i = 1; i < received.size(); i++) {
            assertEquals(received.get(i - 1) + 1, received.get(i), "ids of consecutive publishes");
        }
    }

    /** Publishes HISTORY_SIZE + extra events, so that the first {@code extra} of them are no longer retained. */
    private List<Long> overflowHistory(String name, int extra) throws IOException {
        int capacity = config().historyCapacity();
        Assumptions.assumeTrue(capacity <= 5_000, "history.capacity is " + capacity + ": publishing more than that is"
                + " slow; start the server with HISTORY_SIZE=20 (anything up to 5000) to run this check");
        List<Long> ids = publishMany(name, capacity + extra);
        for (int i = 1; i < ids.size(); i++) {
            assertEquals(ids.get(i - 1) + 1, ids.get(i), "ids of consecutive publishes");
        }
        JsonNode history = status().path("history");
        assertEquals(capacity, history.path("size").asInt(), "history.size after publishing more than its capacity");
        return ids;
    }

    @Test
    @DisplayName("5.3, 5.4 GET /api/broadcast: order after connecting is retry, gap {\"missed\": <oldest retained − L − 1>}"
            + " with no id, the replay, own presence, then live events")
    default void gapThenReplayThenPresenceThenLive() throws IOException {
        String name = eventName("gap");
        int extra = 5;
        List<Long> ids = overflowHistory(name, extra);
        long lastSeen = ids.get(0) - 1;
        long oldest = ids.get(extra);
        try (RawSseStream stream = openStream(BROADCAST, "Last-Event-ID: " + lastSeen)) {
            assertEquals(200, stream.status(), () -> stream.head().describe());
            expectRetryFrame(stream, RawHttp.ANSWER);
            SseFrame gap = stream.nextEvent(RawHttp.ANSWER);
            assertNotNull(gap, "the stream ended");
            assertEquals("gap", gap.event(), () -> "after retry, a gap event must come first: " + gap.describe());
            assertFalse(gap.has("id"), () -> "a gap event has no id: line: " + gap.describe());
            assertEquals(JSON.readTree("{\"missed\":" + (oldest - lastSeen - 1) + "}"), JSON.readTree(gap.data()),
                    () -> "gap data with L=" + lastSeen + " and oldest retained id " + oldest + ": " + gap.data());
            expectReplay(stream, name, ids.subList(extra, ids.size()));
            SseFrame presence = stream.nextEvent(RawHttp.ANSWER);
            assertTrue(presence != null && presence.isPresence(), () -> "after the replay, own presence: " + presence);
            assertFalse(presence.has("id"), () -> "presence has no id: line: " + presence.describe());
            long live = publish(name, "live");
            SseFrame next = nextNonPresence(stream);
            assertNotNull(next, "the stream ended");
            assertEquals(String.valueOf(live), next.id(), () -> "after own presence, the live event: " + next.describe());
        }
    }

    @Test
    @DisplayName("5.3 GET /api/broadcast: no gap event when nothing after L was dropped (L = oldest retained − 1)")
    default void noGapWhenNothingWasDropped() throws IOException {
        assumeHistoryOf(3);
        String name = eventName("no-gap");
        int extra = 3;
        List<Long> ids = overflowHistory(name, extra);
        long oldest = ids.get(extra);
        try (RawSseStream stream = openStream(BROADCAST, "Last-Event-ID: " + (oldest - 1))) {
            assertEquals(200, stream.status(), () -> stream.head().describe());
            expectRetryFrame(stream, RawHttp.ANSWER);
            expectReplay(stream, name, ids.subList(extra, ids.size()));
            stream.abort();
        }
    }

    private void expectReplay(RawSseStream stream, String name, List<Long> ids) throws IOException {
        for (long id : ids) {
            SseFrame event = stream.nextEvent(RawHttp.ANSWER);
            assertNotNull(event, "the stream ended during the replay");
            assertEquals(String.valueOf(id), event.id(), () -> "replay, in order: expected id " + id + ", got "
                    + event.describe());
            assertEquals(name, event.event(), () -> "replayed event " + event.describe());
        }
    }

    @ParameterizedTest(name = "Last-Event-ID = newest id + {0}", quoteTextArguments = false)
    @ValueSource(ints = {0, 1000})
    @DisplayName("5.2 GET /api/broadcast: L at or ahead of the newest id replays nothing (and no gap), live events follow")
    default void nothingToReplayWhenUpToDate(int ahead) throws IOException {
        String name = eventName("up-to-date");
        long newest = publish(name, "seen already");
        try (RawSseStream stream = openStream(BROADCAST, "Last-Event-ID: " + (newest + ahead))) {
            assertEquals(200, stream.status(), () -> stream.head().describe());
            expectRetryFrame(stream, RawHttp.ANSWER);
            SseFrame first = stream.nextEvent(RawHttp.ANSWER);
            assertTrue(first != null && first.isPresence(), () -> "nothing to replay, own presence first; got " + first);
            long live = publish(name, "live");
            SseFrame next = nextNonPresence(stream);
            assertNotNull(next, "the stream ended");
            assertEquals(String.valueOf(live), next.id(), () -> "the live event: " + next.describe());
        }
    }

    @Test
    @DisplayName("5.5 GET /api/broadcast: a new subscriber gets event: presence, data: {\"subscribers\":<k>}, with no id,"
            + " at once")
    default void newSubscriberGetsPresenceAtOnce() throws IOException {
        awaitNoOpenStreams();
        try (RawSseStream stream = openStream(BROADCAST)) {
            assertEquals(200, stream.status(), () -> stream.head().describe());
            expectRetryFrame(stream, atOnce());
            SseFrame presence = stream.nextEvent(atOnce());
            assertTrue(presence != null && presence.isPresence(), () -> "expected presence at once, got " + presence);
            assertEquals(List.of("data", "event"),
                    presence.fields().stream().map(SseFrame.Field::name).sorted().toList(),
                    () -> "presence has an event and a data line, and no id: " + presence.describe());
            assertEquals(JSON.readTree("{\"subscribers\":1}"), JSON.readTree(presence.data()),
                    () -> "the only subscriber: " + presence.data());
        }
    }

    @Test
    @DisplayName("5.5 GET /api/broadcast: everyone gets presence when the number of subscribers changes; the last one"
            + " sent is the true number")
    default void presenceFollowsTheNumberOfSubscribers() throws IOException {
        awaitNoOpenStreams();
        try (RawSseStream watcher = openStream(BROADCAST)) {
            expectRetryFrame(watcher, RawHttp.ANSWER);
            awaitLastPresence(watcher, 1, RawHttp.ANSWER);
            try (RawSseStream second = openStream(BROADCAST); RawSseStream third = openStream(BROADCAST)) {
                for (RawSseStream stream : List.of(watcher, second, third)) {
                    awaitLastPresence(stream, 3, RawHttp.ANSWER);
                }
            }
            // the two closed their connections: the server notices within 2 × HEARTBEAT_MS + 1 s, then tells
            awaitLastPresence(watcher, 1, closeNoticeBound().plusSeconds(1));
        }
    }
}
