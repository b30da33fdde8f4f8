package workshop.sse.core.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

import workshop.sse.core.wire.Outbox;
import workshop.sse.core.wire.SseMessage;
import workshop.sse.core.wire.SseStream;

class StreamsTest {

    @Test
    void opensUpToMaxStreamsCountingBothKindsTogether() {
        Streams streams = new Streams(3);
        assertNotNull(streams.open(SseStream.Kind.COUNTER));
        assertNotNull(streams.open(SseStream.Kind.BROADCAST));
        assertNotNull(streams.open(SseStream.Kind.BROADCAST));
        assertNull(streams.open(SseStream.Kind.COUNTER));
        assertNull(streams.open(SseStream.Kind.BROADCAST));
        assertEquals(1, streams.count(SseStream.Kind.COUNTER));
        assertEquals(2, streams.count(SseStream.Kind.BROADCAST));
        assertEquals(3, streams.maxStreams());
    }

    @Test
    void openedStreamHasItsKind() {
        Streams streams = new Streams(3);
        assertEquals(SseStream.Kind.COUNTER, streams.open(SseStream.Kind.COUNTER).kind());
        assertEquals(SseStream.Kind.BROADCAST, streams.open(SseStream.Kind.BROADCAST).kind());
    }

    @Test
    void anEndedStreamFreesItsSlot() {
        Streams streams = new Streams(1);
        SseStream first = streams.open(SseStream.Kind.COUNTER);
        assertNull(streams.open(SseStream.Kind.COUNTER));
        first.end();
        assertEquals(0, streams.count(SseStream.Kind.COUNTER));
        assertNotNull(streams.open(SseStream.Kind.BROADCAST));
    }

    @Test
    void closeAllClosesEveryOutboxAndCountsThem() throws InterruptedException {
        Streams streams = new Streams(10);
        List<SseStream> open = List.of(streams.open(SseStream.Kind.COUNTER), streams.open(SseStream.Kind.BROADCAST));
        assertEquals(2, streams.closeAll());
        for (SseStream s : open) {
            assertEquals(Outbox.Closing.CLOSED, s.outbox().closing());
            assertSame(SseMessage.END, s.outbox().take(1, TimeUnit.SECONDS));
        }
    }

    @Test
    void closedStreamsCountUntilTheirWritersEndThem() {
        Streams streams = new Streams(10);
        SseStream s = streams.open(SseStream.Kind.COUNTER);
        streams.closeAll();
        assertEquals(1, streams.count(SseStream.Kind.COUNTER), "the response is still being ended");
        s.end();
        assertEquals(0, streams.count(SseStream.Kind.COUNTER));
        assertEquals(0, streams.closeAll());
    }

    @Test
    void racingOpensNeverPassMaxStreams() throws InterruptedException {
        int max = 50;
        Streams streams = new Streams(max);
        List<SseStream> admitted = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 100; i++) {
                    SseStream s = streams.open(i % 2 == 0 ? SseStream.Kind.COUNTER : SseStream.Kind.BROADCAST);
                    if (s != null) {
                        admitted.add(s);
                    }
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(10_000);
            assertFalse(t.isAlive());
        }
        assertEquals(max, admitted.size());
        assertEquals(max, streams.count(SseStream.Kind.COUNTER) + streams.count(SseStream.Kind.BROADCAST));
        assertTrue(admitted.stream().noneMatch(SseStream::isEnded));
    }
}
