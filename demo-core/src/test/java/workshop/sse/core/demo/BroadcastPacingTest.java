package workshop.sse.core.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import workshop.sse.core.wire.SseMessage;
import workshop.sse.core.wire.SseStream;

/** A publish answers once the subscribers that keep up have written it, and no subscriber holds it up for long. */
class BroadcastPacingTest {

    private static final long PACE_LIMIT_MS = 300;

    private ScheduledExecutorService timer;
    private Broadcast broadcast;

    @BeforeEach
    void start() {
        timer = Executors.newSingleThreadScheduledExecutor();
        broadcast = new Broadcast(100, PACE_LIMIT_MS, timer);
    }

    @AfterEach
    void stop() throws InterruptedException {
        timer.shutdownNow();
        assertTrue(timer.awaitTermination(5, TimeUnit.SECONDS));
    }

    private SseStream subscribe() {
        SseStream stream = new SseStream(SseStream.Kind.BROADCAST);
        broadcast.subscribe(stream, OptionalLong.empty());
        return stream;
    }

    /** Writes everything queued, the presence rounds that subscribing causes included: they keep up. */
    private static void keepUp(SseStream... streams) throws InterruptedException {
        Thread.sleep(Broadcast.PRESENCE_COALESCE_MS * 4);
        for (SseStream stream : streams) {
            for (SseMessage m = stream.outbox().poll(); m != null; m = stream.outbox().poll()) {
                stream.outbox().sent();
            }
            assertEquals(0, stream.outbox().heldBytes());
        }
    }

    private CompletableFuture<Long> publishInBackground() {
        return CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            broadcast.publish("message", "hello");
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }, Executors.newVirtualThreadPerTaskExecutor());
    }

    @Test
    void aPublishAnswersWhenEverySubscriberThatKeepsUpHasWrittenIt() throws Exception {
        SseStream a = subscribe();
        SseStream b = subscribe();
        keepUp(a, b);
        CompletableFuture<Long> publish = publishInBackground();

        SseMessage toA = a.outbox().take(1, TimeUnit.SECONDS);
        assertInstanceOf(SseMessage.Event.class, toA);
        a.outbox().sent();
        Thread.sleep(50);
        assertTrue(!publish.isDone(), "the publish answered before b had written the event");

        b.outbox().take(1, TimeUnit.SECONDS);
        b.outbox().sent();
        long millis = publish.get(2, TimeUnit.SECONDS);
        assertTrue(millis < PACE_LIMIT_MS, "the publish waited " + millis + " ms after both had written it");
    }

    @Test
    void aSubscriberThatStallsHoldsThePublisherAtMostTheLimitAndOnlyOnce() throws Exception {
        keepUp(subscribe()); // and never writes again
        long first = publishInBackground().get(5, TimeUnit.SECONDS);
        assertTrue(first >= PACE_LIMIT_MS - 20 && first < PACE_LIMIT_MS + 500,
                "the first publish waited " + first + " ms for the stalled subscriber (limit " + PACE_LIMIT_MS + ")");
        long second = publishInBackground().get(5, TimeUnit.SECONDS);
        assertTrue(second < 100, "a subscriber already behind held the next publish " + second + " ms");
    }

    @Test
    void aSubscriberThatEndsReleasesThePublisher() throws Exception {
        SseStream leaving = subscribe();
        keepUp(leaving);
        CompletableFuture<Long> publish = publishInBackground();
        Thread.sleep(50);
        leaving.end();
        long millis = publish.get(2, TimeUnit.SECONDS);
        assertTrue(millis < PACE_LIMIT_MS, "the publish waited " + millis + " ms for a stream that had ended");
    }

    @Test
    void aBatchOfEventsWrittenAtOnceReleasesTheirBytesAndThePublisher() throws Exception {
        SseStream stream = subscribe();
        keepUp(stream);
        broadcast.publish("message", "one"); // waits the limit: nobody writes it yet
        CompletableFuture<Long> second = publishInBackground(); // behind already: does not wait
        assertTrue(second.get(2, TimeUnit.SECONDS) < 100);
        assertTrue(stream.outbox().poll() instanceof SseMessage.Event);
        assertTrue(stream.outbox().poll() instanceof SseMessage.Event);
        stream.outbox().sent();
        assertEquals(0, stream.outbox().heldBytes(), "one sent() for a batch releases every byte taken");
    }
}
