package workshop.sse.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

import workshop.sse.core.launch.Settings;

class SseStreamTest {

    @Test
    void newStreamIsOpenWithAnOpenOutboxOfItsKind() {
        SseStream s = new SseStream(SseStream.Kind.BROADCAST);
        assertEquals(SseStream.Kind.BROADCAST, s.kind());
        assertFalse(s.isEnded());
        assertNull(s.outbox().closing());
    }

    @Test
    void outboxIsBoundedToOneMebibyte() {
        SseStream s = new SseStream(SseStream.Kind.COUNTER);
        SseMessage.Event big = new SseMessage.Event("1", "message", "x".repeat(Settings.OUTBOX_BYTES));
        assertFalse(s.outbox().offer(big));
        assertEquals(Outbox.Closing.OVERFLOWED, s.outbox().closing());
    }

    @Test
    void endClosesTheOutboxAndRunsEveryEndActionOnce() throws InterruptedException {
        SseStream s = new SseStream(SseStream.Kind.COUNTER);
        AtomicInteger a = new AtomicInteger();
        AtomicInteger b = new AtomicInteger();
        s.whenEnded(a::incrementAndGet);
        s.whenEnded(b::incrementAndGet);
        s.outbox().offer(new SseMessage.Event("1", "tick", "{}"));
        s.end();
        s.end();
        assertTrue(s.isEnded());
        assertEquals(1, a.get());
        assertEquals(1, b.get());
        assertEquals(Outbox.Closing.CLOSED, s.outbox().closing());
        assertSame(SseMessage.END, s.outbox().take(1, TimeUnit.SECONDS));
    }

    @Test
    void endActionAddedAfterTheEndRunsAtOnce() {
        SseStream s = new SseStream(SseStream.Kind.BROADCAST);
        s.end();
        AtomicInteger ran = new AtomicInteger();
        s.whenEnded(ran::incrementAndGet);
        assertEquals(1, ran.get());
        s.end();
        assertEquals(1, ran.get(), "not run again by a second end");
    }

    @Test
    void endActionDoesNotRunBeforeTheEnd() {
        SseStream s = new SseStream(SseStream.Kind.BROADCAST);
        AtomicInteger ran = new AtomicInteger();
        s.whenEnded(ran::incrementAndGet);
        s.outbox().close(); // a closed outbox is not yet an ended response
        assertEquals(0, ran.get());
        assertFalse(s.isEnded());
    }
}
