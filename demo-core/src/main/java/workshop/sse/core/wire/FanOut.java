package workshop.sse.core.wire;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import workshop.sse.core.demo.Streams;

/**
 * One publish's progress through the subscribers that were keeping up: each of their outboxes
 * {@linkplain #expect() registers} the event, and {@linkplain #delivered() reports} once its writer has handed the
 * event to the socket (or the stream ended). The publisher {@linkplain #await waits} for them, up to a bound, before
 * it answers: a publish is acknowledged when it has been delivered, not merely queued, so a burst of publishes goes
 * no faster than the fan-out and no event waits seconds in the outboxes. Streams that were already behind are
 * never waited for, and a stream that stalls now holds the publisher at most the bound, once.
 */
public final class FanOut {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition done = lock.newCondition();
    private int pending;

    void expect() {
        lock.lock();
        try {
            pending++;
        } finally {
            lock.unlock();
        }
    }

    void delivered() {
        lock.lock();
        try {
            if (--pending == 0) {
                done.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every expected delivery is reported, or {@code millis} pass; true when all were. */
    public boolean await(long millis) {
        long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
        lock.lock();
        try {
            while (pending > 0) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = done.awaitNanos(nanos);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }
}
