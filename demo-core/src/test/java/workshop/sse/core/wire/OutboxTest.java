package workshop.sse.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

import workshop.sse.core.launch.Settings;

class OutboxTest {

    private static SseMessage.Event event(int id) {
        return new SseMessage.Event(Integer.toString(id), "message", "data " + id);
    }

    private static SseMessage take(Outbox outbox) throws InterruptedException {
        return outbox.take(5, TimeUnit.SECONDS);
    }

    @Test
    void messagesComeOutInTheOrderOffered() throws InterruptedException {
        Outbox outbox = new Outbox(Settings.OUTBOX_BYTES);
        SseMessage.Event a = event(1);
        SseMessage.Event b = event(2);
        SseMessage.Event c = event(3);
        assertTrue(outbox.offer(a));
        assertTrue(outbox.offer(b));
        assertTrue(outbox.offer(c));
        assertSame(a, take(outbox));
        assertSame(b, take(outbox));
        assertSame(c, take(outbox));
    }

    @Test
    void takeReturnsNullAfterTheTimeoutWhenEmpty() throws InterruptedException {
        Outbox outbox = new Outbox(Settings.OUTBOX_BYTES);
        long start = System.nanoTime();
        assertNull(outbox.take(50, TimeUnit.MILLISECONDS));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50), "take waited the whole timeout");
        assertNull(outbox.poll());
        assertNull(outbox.closing());
    }

    @Test
    void takeWakesAsSoonAsAMessageIsOffered() throws Exception {
        Outbox outbox = new Outbox(Settings.OUTBOX_BYTES);
        AtomicReference<SseMessage> got = new AtomicReference<>();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                waiting.countDown();
                got.set(outbox.take(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiting.await();
        SseMessage.Event e = event(1);
        outbox.offer(e);
        writer.join(5000);
        assertFalse(writer.isAlive(), "the waiting writer woke up");
        assertSame(e, got.get());
    }

    @Test
    void offeredMessagesCountAgainstTheBound() {
        Outbox outbox = new Outbox(Settings.OUTBOX_BYTES);
        SseMessage.Event e = event(1);
        outbox.offer(e);
        outbox.offer(e);
        assertEquals(2L * e.sizeInBytes(), outbox.heldBytes());
    }

    @Test
    void offeringPastTheBoundClosesAsOverflowedAndTakeReturnsEnd() throws InterruptedException {
        SseMessage.Event e = event(1);
        Outbox outbox = new Outbox(3L * e.sizeInBytes());
        assertTrue(outbox.offer(e));
        assertTrue(outbox.offer(e));
        assertTrue(outbox.offer(e), "exactly at the bound still fits");
        assertFalse(outbox.offer(e), "one more passes the bound");
        assertEquals(Outbox.Closing.OVERFLOWED, outbox.closing());
        assertSame(SseMessage.END, take(outbox), "queued messages are dropped: the client catches up by replay");
        assertEquals(0, outbox.heldBytes());
        assertFalse(outbox.offer(event(2)), "a closed outbox takes nothing");
        assertSame(SseMessage.END, take(outbox));
    }

    @Test
    void oneMebibyteOutboxOverflowsWhenNobodyWrites() {
        Outbox outbox = new Outbox(Settings.OUTBOX_BYTES);
        SseMessage.Event big = new SseMessage.Event("1", "message", "x".repeat(1000));
        int offered = 0;
        while (outbox.offer(big)) {
            offered++;
            assertTrue(offered < 2000, "the outbox never overflowed");
        }
        assertEquals(Settings.OUTBOX_BYTES / big.sizeInBytes(), offered);
        assertEquals(Outbox.Closing.OVERFLOWED, outbox.closing());
    }

    @Test
    void aMessageLargerThanTheBoundOverflowsAtOnce() {
        Outbox outbox = new Outbox(10);
        assertFalse(outbox.offer(event(1)));
        assertEquals(Outbox.Closing.OVERFLOWED, outbox.closing());
    }

    @Test
    void sentReleasesBytesSoAWriterThatKeepsUpNeverOverflows() throws InterruptedException {
        SseMessage.Event e = event(1);
        Outbox outbox = new Outbox(2L * e.sizeInBytes());
        for (int i = 0; i < 10_000; i++) {
            assertTrue(outbox.offer(e), "offer " + i);
            SseMessage taken = take(outbox);
            assertSame(e, taken);
            outbox.sent();
        }
        assertEquals(0, outbox.heldBytes());
        assertNull(outbox.closing());
    }

    @Test
    void withoutSentTheBytesStayHeldAfterTake() throws InterruptedException {
        SseMessage.Event e = event(1);
        Outbox outbox = new Outbox(2L * e.sizeInBytes());
        outbox.offer(e);
        take(outbox);
        assertEquals(e.sizeInBytes(), outbox.heldBytes(), "a taken message counts until its writer reports it sent");
        outbox.offer(e);
        take(outbox);
        assertFalse(outbox.offer(e));
        assertEquals(Outbox.Closing.OVERFLOWED, outbox.closing());
    }

    @Test
    void finishDrainsQueuedMessagesThenEnds() throws InterruptedException {
        Outbox outbox = new Outbox(Settings.OUTBOX_BYTES);
        SseMessage.Event a = event(1);
        SseMessage.Event b = event(2);
        outbox.offer(a);
        outbox.offer(b);
        outbox.finish();
        assertFalse(outbox.offer(event(3)), "nothing is queued after finish");
        assertNull(outbox.closing(), "still draining");
        assertSame(a, take(outbox));
        assertSame(b, take(outbox));
        assertSame(SseMessage.END, take(outbox));
        assertEquals(Outbox.Closing.FINISHED, outbox.closing());
    }

    @Test
    void finishWakesAWaitingWriterWithEnd() throws InterruptedException {
        Outbox outbox = new Outbox(Settings.OUTBOX_BYTES);
        AtomicReference<SseMessage> got = new AtomicReference<>();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                waiting.countDown();
                got.set(outbox.take(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiting.await();
        outbox.finish();
        writer.join(5000);
        assertFalse(writer.isAlive());
        assertSame(SseMessage.END, got.get());
    }

    @Test
    void closeDropsQueuedMessages() throws InterruptedException {
        Outbox outbox = new Outbox(Settings.OUTBOX_BYTES);
        outbox.offer(event(1));
        outbox.offerReplayed(event(2));
        outbox.close();
        assertEquals(Outbox.Closing.CLOSED, outbox.closing());
        assertEquals(0, outbox.heldBytes());
        assertSame(SseMessage.END, take(outbox));
        assertSame(SseMessage.END, outbox.poll());
        assertFalse(outbox.offer(event(3)));
    }

    @Test
    void closeAfterFinishStillEndsAtOnce() throws InterruptedException {
        Outbox outbox = new Outbox(Settings.OUTBOX_BYTES);
        outbox.offer(event(1));
        outbox.finish();
        outbox.close();
        assertSame(SseMessage.END, take(outbox));
        assertEquals(Outbox.Closing.CLOSED, outbox.closing());
    }

    @Test
    void firstClosingReasonIsKept() {
        Outbox outbox = new Outbox(10);
        outbox.offer(event(1));
        outbox.close();
        assertEquals(Outbox.Closing.OVERFLOWED, outbox.closing());
    }

    @Test
    void replayedEventsGoFirstAndCostNoBytes() throws InterruptedException {
        Outbox outbox = new Outbox(Settings.OUTBOX_BYTES);
        SseMessage.Event live = event(9);
        SseMessage.Event r1 = event(1);
        SseMessage.Event r2 = event(2);
        outbox.offer(live);
        outbox.offerReplayed(r1);
        outbox.offerReplayed(r2);
        assertEquals(live.sizeInBytes(), outbox.heldBytes(), "replayed events cost nothing");
        SseMessage first = take(outbox);
        assertSame(r1, first);
        outbox.sent();
        assertEquals(live.sizeInBytes(), outbox.heldBytes(), "sending a replayed event releases nothing");
        SseMessage second = take(outbox);
        assertSame(r2, second);
        outbox.sent();
        SseMessage third = take(outbox);
        assertSame(live, third);
        outbox.sent();
        assertEquals(0, outbox.heldBytes());
    }

    @Test
    void replayedEventsDoNotOverflowASmallOutbox() throws InterruptedException {
        SseMessage.Event e = event(1);
        Outbox outbox = new Outbox(e.sizeInBytes());
        for (int i = 0; i < 100; i++) {
            outbox.offerReplayed(e);
        }
        assertNull(outbox.closing());
        assertTrue(outbox.offer(e), "the live bound is untouched by replay");
        for (int i = 0; i < 101; i++) {
            assertSame(e, take(outbox));
        }
    }

    @Test
    void finishDrainsReplayedEventsToo() throws InterruptedException {
        Outbox outbox = new Outbox(Settings.OUTBOX_BYTES);
        SseMessage.Event r = event(1);
        outbox.offerReplayed(r);
        outbox.finish();
        assertSame(r, take(outbox));
        assertSame(SseMessage.END, take(outbox));
    }

    @Test
    void wakeUpRunsOnOfferFinishAndClose() {
        Outbox outbox = new Outbox(Settings.OUTBOX_BYTES);
        AtomicInteger wakeUps = new AtomicInteger();
        outbox.onWakeUp(wakeUps::incrementAndGet);
        outbox.offer(event(1));
        assertEquals(1, wakeUps.get(), "offer");
        outbox.offerReplayed(event(2));
        assertEquals(2, wakeUps.get(), "offerReplayed");
        outbox.finish();
        assertEquals(3, wakeUps.get(), "finish");
        outbox.close();
        assertEquals(4, wakeUps.get(), "close");
    }

    @Test
    void wakeUpRunsWhenAnOfferOverflows() {
        Outbox outbox = new Outbox(10);
        AtomicInteger wakeUps = new AtomicInteger();
        outbox.onWakeUp(wakeUps::incrementAndGet);
        outbox.offer(event(1));
        assertEquals(1, wakeUps.get(), "the writer must learn that the outbox closed");
    }

    @Test
    void pollGivesWhatIsQueuedWithoutWaiting() {
        Outbox outbox = new Outbox(Settings.OUTBOX_BYTES);
        SseMessage.Event e = event(1);
        outbox.offer(e);
        assertSame(e, outbox.poll());
        assertNull(outbox.poll());
    }

    @Test
    void aStreamSilentSinceTheGivenTimeGetsOneHeartbeat() throws InterruptedException {
        Outbox outbox = new Outbox(Settings.OUTBOX_BYTES);
        long now = System.nanoTime();
        outbox.heartbeatIfSilentSince(now);
        outbox.heartbeatIfSilentSince(now);
        assertSame(SseMessage.HEARTBEAT, outbox.take(1, TimeUnit.SECONDS));
        assertNull(outbox.poll(), "one heartbeat, however often the sweep comes by");
        outbox.sent();
        assertEquals(0, outbox.heldBytes());
    }

    @Test
    void aStreamThatWroteSinceThenOrHasSomethingToWriteGetsNoHeartbeat() throws InterruptedException {
        Outbox outbox = new Outbox(Settings.OUTBOX_BYTES);
        long before = System.nanoTime() - TimeUnit.SECONDS.toNanos(1);
        outbox.heartbeatIfSilentSince(before);
        assertNull(outbox.poll(), "it began after that: not silent since");

        SseMessage.Event e = event(1);
        outbox.offer(e);
        outbox.heartbeatIfSilentSince(System.nanoTime());
        assertSame(e, outbox.poll());
        outbox.heartbeatIfSilentSince(System.nanoTime());
        assertNull(outbox.poll(), "a write in hand is as good as a heartbeat");
        outbox.sent();
        outbox.heartbeatIfSilentSince(before);
        assertNull(outbox.poll(), "it wrote since");
    }

    @Test
    void takeWithoutATimeoutWaitsUntilSomethingComes() throws Exception {
        Outbox outbox = new Outbox(Settings.OUTBOX_BYTES);
        AtomicReference<SseMessage> got = new AtomicReference<>();
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                got.set(outbox.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread.sleep(100);
        assertNull(got.get());
        outbox.close();
        writer.join(5000);
        assertSame(SseMessage.END, got.get());
    }
}
