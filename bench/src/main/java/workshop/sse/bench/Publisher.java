package workshop.sse.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;
import org.HdrHistogram.Histogram;

/**
 * Publishes the events, each body starting with its send time ({@link System#nanoTime}, which the subscribers'
 * thread shares, being in the same process). Either open-loop, on a schedule that does not wait for the server
 * (a few connections, so that one slow answer does not hold the next send back; the send time is the scheduled
 * one, so a late send counts against the latency), or back to back: each POST when the previous is answered.
 */
final class Publisher {

    /** What the publishing did. */
    record Outcome(long acknowledged, Map<String, Integer> failed, double perSecond, double maxLateMs,
                   Histogram answerMicros, long startNanos, long endNanos) {
    }

    private static final int OPEN_LOOP_CONNECTIONS = 4;
    private static final long MAX_ANSWER_MICROS = TimeUnit.MINUTES.toMicros(10);

    private final String host;
    private final int port;
    private final SSLContext tls; // null: cleartext
    private volatile boolean stopped;

    Publisher(String host, int port) {
        this(host, port, null);
    }

    /** Over TLS when {@code tls} is not null. */
    Publisher(String host, int port, SSLContext tls) {
        this.host = host;
        this.port = port;
        this.tls = tls;
    }

    /**
     * {@code count} events back to back, stopping early at {@code deadlineNanos}. A {@code label} before the send
     * time (the warm-up's) makes the subscribers ignore the events.
     */
    Outcome backToBack(int count, long deadlineNanos, String label) {
        Tally tally = new Tally();
        long start = System.nanoTime();
        try (PublishConnection connection = new PublishConnection(host, port, "bench", tls)) {
            for (int i = 0; i < count && System.nanoTime() < deadlineNanos && !stopped; i++) {
                tally.publish(connection, label, System.nanoTime(), i);
            }
        }
        long end = System.nanoTime();
        return tally.outcome(start, end, tally.acknowledged() / ((end - start) / 1e9), 0);
    }

    /** Ends the publishing early: no event is sent after this (one in flight is still answered). */
    void stop() {
        stopped = true;
    }

    /** {@code perSecond} events a second for {@code seconds}, on schedule whatever the answers take. */
    Outcome openLoop(double perSecond, double seconds, long deadlineNanos, String label) throws InterruptedException {
        Tally tally = new Tally();
        int count = (int) Math.round(perSecond * seconds);
        long period = (long) (1e9 / perSecond);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
        AtomicLong nextSlot = new AtomicLong();
        AtomicLong maxLate = new AtomicLong();
        AtomicLong lastSend = new AtomicLong(start);
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < OPEN_LOOP_CONNECTIONS; t++) {
            senders.add(Thread.ofPlatform().name("bench-publisher-" + t).start(() -> {
                try (PublishConnection connection = new PublishConnection(host, port, "bench", tls)) {
                    for (long slot = nextSlot.getAndIncrement(); slot < count; slot = nextSlot.getAndIncrement()) {
                        long scheduled = start + slot * period;
                        for (long wait = scheduled - System.nanoTime(); wait > 0; wait = scheduled - System.nanoTime()) {
                            LockSupport.parkNanos(wait);
                        }
                        long now = System.nanoTime();
                        if (now > deadlineNanos || stopped) {
                            return;
                        }
                        maxLate.accumulateAndGet(now - scheduled, Math::max);
                        lastSend.accumulateAndGet(now, Math::max);
                        tally.publish(connection, label, scheduled, slot);
                    }
                }
            }));
        }
        for (Thread sender : senders) {
            sender.join();
        }
        long end = System.nanoTime();
        // the rate the schedule was kept at: every event sent by the time its slot (plus one period) was over
        double achieved = tally.acknowledged() / ((lastSend.get() - start + period) / 1e9);
        return tally.outcome(start, end, Math.min(perSecond, achieved), maxLate.get() / 1e6);
    }

    /** Counts answers, from any number of sender threads. */
    private static final class Tally {
        private final AtomicLong acknowledged = new AtomicLong();
        private final Map<String, Integer> failed = new TreeMap<>();
        private final Histogram answerMicros = new Histogram(MAX_ANSWER_MICROS, 3);

        void publish(PublishConnection connection, String label, long sentNanos, long sequence) {
            long start = System.nanoTime();
            try {
                PublishConnection.Answer answer = connection.post(label + sentNanos + " bench event " + sequence);
                record(start);
                if (answer.status() == 202) {
                    acknowledged.incrementAndGet();
                } else {
                    fail("status " + answer.status());
                }
            } catch (IOException e) {
                fail(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
        }

        private synchronized void record(long start) {
            answerMicros.recordValue(Math.min(MAX_ANSWER_MICROS, (System.nanoTime() - start) / 1000));
        }

        private synchronized void fail(String why) {
            failed.merge(why, 1, Integer::sum);
        }

        long acknowledged() {
            return acknowledged.get();
        }

        synchronized Outcome outcome(long start, long end, double perSecond, double maxLateMs) {
            return new Outcome(acknowledged.get(), new TreeMap<>(failed), perSecond, maxLateMs, answerMicros.copy(),
                    start, end);
        }
    }
}
