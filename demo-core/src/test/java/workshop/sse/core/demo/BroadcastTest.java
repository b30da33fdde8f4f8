package workshop.sse.core.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import workshop.sse.core.wire.Outbox;
import workshop.sse.core.wire.SseMessage;
import workshop.sse.core.wire.SseStream;

class BroadcastTest {

    /** What a subscriber's writer would see of one event. */
    record Got(String id, String name, String data) {
        static Got of(SseMessage message) {
            SseMessage.Event e = assertInstanceOf(SseMessage.Event.class, message);
            return new Got(e.id(), e.name(), e.data());
        }
    }

    private static Got presence(int k) {
        return new Got(null, "presence", "{\"subscribers\":" + k + "}");
    }

    private static Got gap(long missed) {
        return new Got(null, "gap", "{\"missed\":" + missed + "}");
    }

    private static Got message(long id, String data) {
        return new Got(Long.toString(id), "message", data);
    }

    private ScheduledExecutorService timer;

    @BeforeEach
    void startTimer() {
        timer = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stopTimer() throws InterruptedException {
        timer.shutdownNow();
        assertTrue(timer.awaitTermination(5, TimeUnit.SECONDS));
    }

    private static SseStream subscribe(Broadcast broadcast, OptionalLong lastEventId) {
        SseStream stream = new SseStream(SseStream.Kind.BROADCAST);
        broadcast.subscribe(stream, lastEventId);
        return stream;
    }

    /** The next n messages, each within a deadline. */
    private static List<Got> next(SseStream stream, int n) throws InterruptedException {
        List<Got> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SseMessage m = stream.outbox().take(5, TimeUnit.SECONDS);
            if (m == null) {
                fail("message " + (i + 1) + " of " + n + " did not come; got " + got);
            }
            got.add(Got.of(m));
        }
        return got;
    }

    /** The next n events that are not presence (whose rounds come on the timer), each within a deadline. */
    private static List<Got> nextLive(SseStream stream, int n) throws InterruptedException {
        List<Got> live = new ArrayList<>();
        while (live.size() < n) {
            live.addAll(withoutPresence(next(stream, 1)));
        }
        return live;
    }

    /** Everything queued now, without waiting. */
    private static List<Got> drain(SseStream stream) {
        List<Got> got = new ArrayList<>();
        for (SseMessage m = stream.outbox().poll(); m != null; m = stream.outbox().poll()) {
            got.add(Got.of(m));
        }
        return got;
    }

    /** Waits (bounded) for a presence event with count k, skipping everything else; fails at the deadline. */
    private static void awaitPresence(SseStream stream, int k) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<Got> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            SseMessage m = stream.outbox().take(100, TimeUnit.MILLISECONDS);
            if (m != null) {
                Got got = Got.of(m);
                seen.add(got);
                if (got.equals(presence(k))) {
                    return;
                }
            }
        }
        fail("no presence with " + k + " subscribers came; saw " + seen);
    }

    private static List<Got> withoutPresence(List<Got> got) {
        return got.stream().filter(g -> !g.name().equals("presence")).toList();
    }

    @Test
    void idsGrowByOneFromOne() {
        Broadcast broadcast = new Broadcast(10, timer);
        assertEquals(0, broadcast.lastEventId());
        assertEquals(new Broadcast.Published(1, "message", 0), broadcast.publish("message", "a"));
        assertEquals(new Broadcast.Published(2, "chat", 0), broadcast.publish("chat", "b"));
        assertEquals(new Broadcast.Published(3, "message", 0), broadcast.publish("message", "c"));
        assertEquals(3, broadcast.lastEventId());
        assertEquals(List.of("1", "2", "3"), broadcast.retained().stream().map(SseMessage.Event::id).toList());
    }

    @Test
    void publishedAnswerIsTheSpecJson() {
        Broadcast broadcast = new Broadcast(10, timer);
        subscribe(broadcast, OptionalLong.empty());
        assertEquals("{\"id\":1,\"event\":\"chat\",\"subscribers\":1}", broadcast.publish("chat", "x").json());
    }

    @Test
    void historyIsBoundedToCapacityKeepingTheNewest() {
        Broadcast broadcast = new Broadcast(3, timer);
        for (int i = 1; i <= 5; i++) {
            broadcast.publish("message", "m" + i);
        }
        assertEquals(3, broadcast.historySize());
        assertEquals(3, broadcast.capacity());
        assertEquals(List.of("3", "4", "5"), broadcast.retained().stream().map(SseMessage.Event::id).toList());
        assertEquals(5, broadcast.lastEventId());
    }

    @Test
    void subscriberWithoutIdGetsOnlyPresenceThenLiveEvents() throws InterruptedException {
        Broadcast broadcast = new Broadcast(10, timer);
        broadcast.publish("message", "old 1");
        broadcast.publish("message", "old 2");
        SseStream s = subscribe(broadcast, OptionalLong.empty());
        assertEquals(List.of(presence(1)), next(s, 1));
        broadcast.publish("message", "live");
        List<Got> rest = withoutPresence(next(s, 1));
        if (rest.isEmpty()) { // the coalesced presence round may come first
            rest = withoutPresence(next(s, 1));
        }
        assertEquals(List.of(message(3, "live")), rest);
        assertEquals(List.of(), withoutPresence(drain(s)));
    }

    @Test
    void subscriberWithIdGetsLaterRetainedEventsInOrderThenPresenceThenLive() throws InterruptedException {
        Broadcast broadcast = new Broadcast(10, timer);
        for (int i = 1; i <= 5; i++) {
            broadcast.publish("message", "m" + i);
        }
        SseStream s = subscribe(broadcast, OptionalLong.of(2));
        assertEquals(List.of(message(3, "m3"), message(4, "m4"), message(5, "m5"), presence(1)), next(s, 4));
        broadcast.publish("message", "m6");
        List<Got> live = new ArrayList<>();
        while (live.isEmpty()) {
            live.addAll(withoutPresence(next(s, 1)));
        }
        assertEquals(List.of(message(6, "m6")), live);
    }

    @Test
    void replayKeepsEventNamesAndMultiLineData() throws InterruptedException {
        Broadcast broadcast = new Broadcast(10, timer);
        broadcast.publish("chat", "line 1\r\nline 2");
        SseStream s = subscribe(broadcast, OptionalLong.of(0));
        assertEquals(List.of(new Got("1", "chat", "line 1\r\nline 2"), presence(1)), next(s, 2));
    }

    @Test
    void gapEventWithoutIdComesFirstWhenEventsAfterTheIdWereDropped() throws InterruptedException {
        Broadcast broadcast = new Broadcast(3, timer);
        for (int i = 1; i <= 10; i++) {
            broadcast.publish("message", "m" + i);
        }
        SseStream s = subscribe(broadcast, OptionalLong.of(2)); // 3..7 dropped: oldest retained 8 - 2 - 1 = 5
        assertEquals(List.of(gap(5), message(8, "m8"), message(9, "m9"), message(10, "m10"), presence(1)), next(s, 5));
    }

    @Test
    void gapCountsFromZeroWhenTheIdIsZero() throws InterruptedException {
        Broadcast broadcast = new Broadcast(2, timer);
        for (int i = 1; i <= 4; i++) {
            broadcast.publish("message", "m" + i);
        }
        SseStream s = subscribe(broadcast, OptionalLong.of(0));
        assertEquals(List.of(gap(2), message(3, "m3"), message(4, "m4"), presence(1)), next(s, 4));
    }

    @Test
    void noGapWhenTheNextEventIsStillRetained() throws InterruptedException {
        Broadcast broadcast = new Broadcast(3, timer);
        for (int i = 1; i <= 10; i++) {
            broadcast.publish("message", "m" + i);
        }
        SseStream s = subscribe(broadcast, OptionalLong.of(7));
        assertEquals(List.of(message(8, "m8"), message(9, "m9"), message(10, "m10"), presence(1)), next(s, 4));
    }

    @Test
    void idAtTheNewestReplaysNothing() throws InterruptedException {
        Broadcast broadcast = new Broadcast(3, timer);
        for (int i = 1; i <= 10; i++) {
            broadcast.publish("message", "m" + i);
        }
        SseStream s = subscribe(broadcast, OptionalLong.of(10));
        assertEquals(List.of(presence(1)), next(s, 1));
        assertEquals(List.of(), withoutPresence(drain(s)));
    }

    @Test
    void idAheadOfTheNewestReplaysNothingAndNoGap() throws InterruptedException {
        Broadcast broadcast = new Broadcast(3, timer);
        broadcast.publish("message", "m1");
        SseStream s = subscribe(broadcast, OptionalLong.of(999_999_999_999_999_999L));
        assertEquals(List.of(presence(1)), next(s, 1));
        assertEquals(List.of(), withoutPresence(drain(s)));
    }

    // With Redis, an instance reads the shared events a moment after they are stored, so a subscriber coming from
    // another instance can resume after an id this one has not read yet: the store says whether it is on its way.

    @Test
    void idAheadOfWhatThisInstanceReadButStoredSkipsTheEventsStillOnTheirWay() throws InterruptedException {
        Broadcast broadcast = new Broadcast(5, timer);
        CompletableFuture<Long> newestStored = new CompletableFuture<>();
        broadcast.whenAheadAsk(() -> newestStored);
        broadcast.deliver(1, "message", "m1", null);
        SseStream s = subscribe(broadcast, OptionalLong.of(3)); // it had 1 to 3 from the other instance
        broadcast.deliver(2, "message", "m2", null); // read here while the store is asked
        assertEquals(List.of(), drain(s), "nothing before the store answers");
        newestStored.complete(4L);
        broadcast.deliver(3, "message", "m3", null);
        broadcast.deliver(4, "message", "m4", null);
        broadcast.deliver(5, "message", "m5", null);
        assertEquals(List.of(presence(1)), next(s, 1), "its own presence first");
        assertEquals(List.of(message(4, "m4"), message(5, "m5")), nextLive(s, 2));
        assertEquals(List.of(), withoutPresence(drain(s)));
    }

    @Test
    void idAheadOfEverythingStoredGetsTheNextLiveEvents() throws InterruptedException {
        Broadcast broadcast = new Broadcast(5, timer);
        broadcast.whenAheadAsk(() -> CompletableFuture.completedFuture(1L));
        broadcast.deliver(1, "message", "m1", null);
        SseStream s = subscribe(broadcast, OptionalLong.of(1000));
        broadcast.deliver(2, "message", "m2", null);
        assertEquals(List.of(message(2, "m2")), nextLive(s, 1));
    }

    @Test
    void idAheadWhileTheStoreIsUnreachableJoinsAsInMemory() throws InterruptedException {
        Broadcast broadcast = new Broadcast(5, timer);
        broadcast.whenAheadAsk(() -> CompletableFuture.failedFuture(new IllegalStateException("down")));
        SseStream s = subscribe(broadcast, OptionalLong.of(3));
        broadcast.deliver(1, "message", "m1", null);
        assertEquals(List.of(message(1, "m1")), nextLive(s, 1));
    }

    @Test
    void streamThatEndedWhileTheStoreWasAskedIsNotKept() {
        Broadcast broadcast = new Broadcast(5, timer);
        CompletableFuture<Long> newestStored = new CompletableFuture<>();
        broadcast.whenAheadAsk(() -> newestStored);
        SseStream s = subscribe(broadcast, OptionalLong.of(3));
        s.end();
        newestStored.complete(3L);
        assertEquals(0, broadcast.subscribers());
    }

    @Test
    void idZeroOnAnEmptyBroadcastReplaysNothing() throws InterruptedException {
        Broadcast broadcast = new Broadcast(3, timer);
        SseStream s = subscribe(broadcast, OptionalLong.of(0));
        assertEquals(List.of(presence(1)), next(s, 1));
    }

    @Test
    void capacityZeroKeepsNoHistoryAndReportsEveryMissedEventAsGap() throws InterruptedException {
        Broadcast broadcast = new Broadcast(0, timer);
        for (int i = 1; i <= 3; i++) {
            broadcast.publish("message", "m" + i);
        }
        assertEquals(0, broadcast.historySize());
        assertEquals(List.of(), broadcast.retained());
        assertEquals(3, broadcast.lastEventId());
        SseStream s = subscribe(broadcast, OptionalLong.of(1));
        assertEquals(List.of(gap(2), presence(1)), next(s, 2));
        broadcast.publish("message", "m4");
        List<Got> live = new ArrayList<>();
        while (live.isEmpty()) {
            live.addAll(withoutPresence(next(s, 1)));
        }
        assertEquals(List.of(message(4, "m4")), live, "live events still flow with no history");
    }

    @Test
    void publishReachesEverySubscriberAndCountsThem() throws InterruptedException {
        Broadcast broadcast = new Broadcast(10, timer);
        SseStream a = subscribe(broadcast, OptionalLong.empty());
        SseStream b = subscribe(broadcast, OptionalLong.empty());
        assertEquals(2, broadcast.subscribers());
        assertEquals(2, broadcast.publish("message", "hi").subscribers());
        for (SseStream s : List.of(a, b)) {
            List<Got> live = new ArrayList<>();
            while (live.isEmpty()) {
                live.addAll(withoutPresence(next(s, 1)));
            }
            assertEquals(List.of(message(1, "hi")), live);
        }
    }

    @Test
    void endedStreamIsUnsubscribedAndOthersGetTheNewCount() throws InterruptedException {
        Broadcast broadcast = new Broadcast(10, timer);
        SseStream a = subscribe(broadcast, OptionalLong.empty());
        SseStream b = subscribe(broadcast, OptionalLong.empty());
        awaitPresence(a, 2);
        b.end();
        assertEquals(1, broadcast.subscribers(), "unsubscribed at once");
        assertEquals(1, broadcast.publish("message", "x").subscribers());
        awaitPresence(a, 1);
        assertTrue(b.outbox().closing() != null, "the ended stream's outbox is closed");
    }

    @Test
    void streamThatEndedBeforeSubscribingIsNotKept() {
        Broadcast broadcast = new Broadcast(10, timer);
        SseStream s = new SseStream(SseStream.Kind.BROADCAST);
        s.end();
        broadcast.subscribe(s, OptionalLong.empty());
        assertEquals(0, broadcast.subscribers());
    }

    @Test
    void presenceChangesAreCoalescedIntoOneRoundWithTheTrueCount() throws Exception {
        ScheduledThreadPoolExecutor held = new ScheduledThreadPoolExecutor(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        try {
            held.execute(() -> { // occupies the timer's only thread until released
                try {
                    holding.countDown();
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(holding.await(5, TimeUnit.SECONDS));
            Broadcast broadcast = new Broadcast(10, held);
            List<SseStream> streams = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                SseStream s = subscribe(broadcast, OptionalLong.empty());
                streams.add(s);
                assertEquals(List.of(presence(i)), next(s, 1), "each newcomer gets its own presence at once");
            }
            assertEquals(1, held.getQueue().size(), "five changes, one presence round scheduled");
            release.countDown();
            for (SseStream s : streams) {
                assertEquals(List.of(presence(5)), next(s, 1));
            }
            // the one round is over: nothing else is due
            held.shutdown();
            assertTrue(held.awaitTermination(5, TimeUnit.SECONDS));
            for (SseStream s : streams) {
                assertEquals(List.of(), drain(s));
            }
        } finally {
            release.countDown();
            held.shutdownNow();
        }
    }

    @Test
    void presenceRoundsAreSpacedSoThatTheyCostAtMostTenThousandWritesASecond() throws Exception {
        Broadcast broadcast = new Broadcast(10, timer);
        List<SseStream> crowd = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            crowd.add(subscribe(broadcast, OptionalLong.empty()));
        }
        SseStream watcher = crowd.get(0);
        Thread.sleep(500);
        drain(watcher);
        long churnStart = System.nanoTime();
        while (System.nanoTime() - churnStart < TimeUnit.SECONDS.toNanos(1)) { // clients coming and going, all along
            subscribe(broadcast, OptionalLong.empty()).end();
            Thread.sleep(1);
        }
        long rounds = drain(watcher).stream().filter(g -> g.name().equals("presence")).count();
        long allowed = Broadcast.PRESENCE_WRITES_PER_SECOND / crowd.size(); // rounds a second at this crowd's size
        assertTrue(rounds >= 1 && rounds <= allowed + 1, rounds + " presence rounds in 1 s for " + crowd.size()
                + " subscribers: each costs a write per subscriber, so at most " + allowed + " a second");
    }

    @Test
    void aChangeAfterARoundSchedulesAnotherRound() throws InterruptedException {
        Broadcast broadcast = new Broadcast(10, timer);
        SseStream a = subscribe(broadcast, OptionalLong.empty());
        awaitPresence(a, 1);
        SseStream b = subscribe(broadcast, OptionalLong.empty());
        awaitPresence(a, 2);
        SseStream c = subscribe(broadcast, OptionalLong.empty());
        awaitPresence(a, 3);
        c.end();
        awaitPresence(a, 2);
        b.end();
        awaitPresence(a, 1);
    }

    @Test
    void slowSubscriberOverflowsAloneAndOthersKeepGettingEvents() throws InterruptedException {
        Broadcast broadcast = new Broadcast(10, timer);
        SseStream slow = subscribe(broadcast, OptionalLong.empty());
        SseStream fast = subscribe(broadcast, OptionalLong.empty());
        String big = "x".repeat(100_000);
        for (int i = 1; i <= 12; i++) {
            broadcast.publish("message", big);
            for (SseMessage m = fast.outbox().poll(); m != null; m = fast.outbox().poll()) {
                fast.outbox().sent();
            }
        }
        assertEquals(Outbox.Closing.OVERFLOWED, slow.outbox().closing());
        assertNull(fast.outbox().closing());
        assertEquals(SseMessage.END, slow.outbox().take(1, TimeUnit.SECONDS));
    }

    @Test
    void subscribersJoiningWhilePublishersRaceGetEveryIdAfterTheirsExactlyOnce() throws Exception {
        Broadcast broadcast = new Broadcast(1_000_000, timer);
        int publishers = 4;
        int subscriberThreads = 3;
        int joinsPerThread = 20;
        int minimumPerPublisher = 300;
        record Joined(SseStream stream, long lastEventId) {
        }
        List<Joined> joined = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean subscribersDone = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            threads.add(Thread.ofPlatform().unstarted(() -> {
                try {
                    go.await();
                    int published = 0;
                    while (published < minimumPerPublisher || (!subscribersDone.get() && published < 3000)) {
                        broadcast.publish("message", "n");
                        published++;
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
        }
        CountDownLatch subscribersLeft = new CountDownLatch(subscriberThreads);
        for (int t = 0; t < subscriberThreads; t++) {
            threads.add(Thread.ofPlatform().unstarted(() -> {
                try {
                    go.await();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < joinsPerThread; i++) {
                        long last = broadcast.lastEventId();
                        long l = Math.max(0, last - random.nextLong(0, 30));
                        SseStream s = new SseStream(SseStream.Kind.BROADCAST);
                        broadcast.subscribe(s, OptionalLong.of(l));
                        joined.add(new Joined(s, l));
                        Thread.yield();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    subscribersLeft.countDown();
                    if (subscribersLeft.getCount() == 0) {
                        subscribersDone.set(true);
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        go.countDown();
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(15));
            assertFalse(thread.isAlive(), "a racing thread did not finish");
        }
        assertNull(failure.get());
        long last = broadcast.lastEventId();
        assertTrue(last >= (long) publishers * minimumPerPublisher);
        assertEquals(subscriberThreads * joinsPerThread, joined.size());
        int joinedMidStream = 0;
        for (Joined j : joined) {
            assertNull(j.stream().outbox().closing(), "no subscriber overflowed");
            List<Long> ids = drain(j.stream()).stream()
                    .peek(g -> assertFalse(g.name().equals("gap"), "nothing was dropped from history"))
                    .filter(g -> g.id() != null)
                    .map(g -> Long.parseLong(g.id()))
                    .toList();
            List<Long> expected = LongStream.rangeClosed(j.lastEventId() + 1, last).boxed().toList();
            if (!expected.equals(ids)) {
                int at = 0;
                while (at < Math.min(expected.size(), ids.size()) && expected.get(at).equals(ids.get(at))) {
                    at++;
                }
                fail("subscriber that resumed after " + j.lastEventId() + " expected ids " + (j.lastEventId() + 1)
                        + ".." + last + " (" + expected.size() + "), got " + ids.size() + "; first difference at index "
                        + at + ": expected " + (at < expected.size() ? expected.get(at) : "nothing") + ", got "
                        + (at < ids.size() ? ids.get(at) : "nothing"));
            }
            if (j.lastEventId() > 0 && j.lastEventId() < last) {
                joinedMidStream++;
            }
        }
        assertTrue(joinedMidStream > 0, "some subscribers joined while events were being published");
    }
}
