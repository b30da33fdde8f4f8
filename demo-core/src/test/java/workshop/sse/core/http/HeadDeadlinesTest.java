package workshop.sse.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HeadDeadlinesTest {

    private static final long DEADLINE_MS = 300;

    private final List<String> expired = new CopyOnWriteArrayList<>();
    private final Set<String> closed = ConcurrentHashMap.newKeySet();

    private HeadDeadlines<String, String> deadlines() {
        return new HeadDeadlines<>(DEADLINE_MS, expired::add, connection -> !closed.contains(connection));
    }

    @Test
    void aConnectionWaitingForAHeadPastTheDeadlineIsExpiredOnce() throws Exception {
        try (HeadDeadlines<String, String> deadlines = deadlines()) {
            deadlines.opened("a", "conn-a", System.nanoTime());
            Thread.sleep(DEADLINE_MS / 2);
            assertEquals(List.of(), expired, "expired before its deadline");
            Thread.sleep(DEADLINE_MS + 400);
            assertEquals(List.of("conn-a"), expired);
            assertNull(deadlines.forget("a"), "an expired connection is forgotten");
        }
    }

    @Test
    void theClockCountsFromWhenTheServerSaysTheWaitBegan() throws Exception {
        try (HeadDeadlines<String, String> deadlines = deadlines()) {
            deadlines.opened("a", "conn-a", System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(DEADLINE_MS));
            Thread.sleep(400);
            assertEquals(List.of("conn-a"), expired);
        }
    }

    @Test
    void noDeadlineWhileARequestIsHandledAndANewOneAfterItsAnswer() throws Exception {
        try (HeadDeadlines<String, String> deadlines = deadlines()) {
            deadlines.opened("a", "conn-a", System.nanoTime());
            deadlines.headComplete("a");
            Thread.sleep(DEADLINE_MS + 400);
            assertEquals(List.of(), expired, "expired while its request was handled");
            deadlines.answered("a");
            Thread.sleep(DEADLINE_MS / 2);
            assertEquals(List.of(), expired, "expired before a whole deadline after its answer");
            Thread.sleep(DEADLINE_MS + 400);
            assertEquals(List.of("conn-a"), expired);
        }
    }

    @Test
    void aClosedOrForgottenConnectionIsNeverExpired() throws Exception {
        try (HeadDeadlines<String, String> deadlines = deadlines()) {
            deadlines.opened("a", "conn-a", System.nanoTime());
            deadlines.opened("b", "conn-b", System.nanoTime());
            closed.add("conn-a");
            assertEquals("conn-b", deadlines.forget("b"));
            Thread.sleep(DEADLINE_MS + 400);
            assertEquals(List.of(), expired);
        }
    }

    @Test
    void aSecondOpenedKeepsTheFirstClock() throws Exception {
        try (HeadDeadlines<String, String> deadlines = deadlines()) {
            deadlines.opened("a", "conn-a", System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(DEADLINE_MS));
            deadlines.opened("a", "other", System.nanoTime());
            Thread.sleep(400);
            assertEquals(List.of("conn-a"), expired);
        }
    }

    @Test
    void theServersOwnTaskRunsWithEverySweepAndCloseStopsTheSweeps() throws Exception {
        CountDownLatch sweeps = new CountDownLatch(2);
        HeadDeadlines<String, String> deadlines = deadlines();
        deadlines.alsoOnEverySweep(sweeps::countDown);
        assertTrue(sweeps.await(2, TimeUnit.SECONDS), "two sweeps within 2 s");
        deadlines.close();
        deadlines.opened("a", "conn-a", System.nanoTime() - TimeUnit.SECONDS.toNanos(10));
        Thread.sleep(400);
        assertEquals(List.of(), expired, "expired after close");
    }
}
