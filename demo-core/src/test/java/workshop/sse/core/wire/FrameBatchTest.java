package workshop.sse.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

import workshop.sse.core.launch.Settings;

class FrameBatchTest {

    private static SseMessage.Event event(int id, String data) {
        return new SseMessage.Event(Integer.toString(id), "message", data);
    }

    private static String text(FrameBatch batch) {
        return new String(batch.bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void oneQueuedEventIsItsOwnFrameUncopied() throws InterruptedException {
        Outbox outbox = new Outbox(Settings.OUTBOX_BYTES);
        SseMessage.Event e = event(1, "a");
        outbox.offer(e);
        FrameBatch batch = FrameBatch.next(outbox);
        assertSame(e.frame(), batch.bytes());
        assertFalse(batch.endsStream());
    }

    @Test
    void everyQueuedEventGoesInOneBatchInOrder() throws InterruptedException {
        Outbox outbox = new Outbox(Settings.OUTBOX_BYTES);
        outbox.offer(event(1, "a"));
        outbox.offer(event(2, "b\nc"));
        outbox.offer(event(3, "d"));
        FrameBatch batch = FrameBatch.next(outbox);
        assertEquals("id: 1\nevent: message\ndata: a\n\nid: 2\nevent: message\ndata: b\ndata: c\n\n"
                + "id: 3\nevent: message\ndata: d\n\n", text(batch));
        assertNull(FrameBatch.poll(outbox), "the batch took everything");
        outbox.sent();
        assertEquals(0, outbox.heldBytes(), "one sent() releases the whole batch");
    }

    @Test
    void aBatchStopsGrowingPastItsBound() throws InterruptedException {
        Outbox outbox = new Outbox(Settings.OUTBOX_BYTES);
        String tenKiB = "x".repeat(10 * 1024);
        int expected = 0;
        for (int i = 1; i <= 20; i++) {
            SseMessage.Event e = event(i, tenKiB);
            expected += e.frame().length;
            outbox.offer(e);
        }
        FrameBatch first = FrameBatch.next(outbox);
        assertTrue(first.bytes().length >= FrameBatch.MAX_BYTES
                && first.bytes().length < FrameBatch.MAX_BYTES + 11 * 1024, "size " + first.bytes().length);
        int total = first.bytes().length;
        for (FrameBatch more = FrameBatch.poll(outbox); more != null; more = FrameBatch.poll(outbox)) {
            total += more.bytes().length;
        }
        assertEquals(expected, total, "every frame once, across the batches");
    }

    @Test
    void aHeartbeatIsWrittenAsItsCommentFrame() throws InterruptedException {
        Outbox outbox = new Outbox(Settings.OUTBOX_BYTES);
        outbox.heartbeatIfSilentSince(System.nanoTime());
        FrameBatch batch = FrameBatch.next(outbox);
        assertEquals(SseFrames.heartbeat(), text(batch));
        assertFalse(batch.endsStream());
    }

    @Test
    void framesQueuedBeforeTheEndAreWrittenThenTheStreamEnds() throws InterruptedException {
        Outbox outbox = new Outbox(Settings.OUTBOX_BYTES);
        outbox.offer(event(1, "last"));
        outbox.finish();
        FrameBatch batch = FrameBatch.next(outbox);
        assertEquals("id: 1\nevent: message\ndata: last\n\n", text(batch));
        assertTrue(batch.endsStream());
    }

    @Test
    void aClosedOutboxEndsTheStreamWithNothingToWrite() throws InterruptedException {
        Outbox outbox = new Outbox(Settings.OUTBOX_BYTES);
        outbox.offer(event(1, "dropped"));
        outbox.close();
        FrameBatch batch = FrameBatch.next(outbox);
        assertArrayEquals(new byte[0], batch.bytes());
        assertTrue(batch.endsStream());
    }
}
