package workshop.sse.core.wire;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One stream's outgoing messages, waiting for its writer. Producers (the broadcast, the counter's timer) never
 * wait: {@link #offer} either queues or, when the stream's unsent bytes would pass the bound, closes the outbox so
 * that the writer ends the stream and the client catches up through reconnect and replay. A message counts
 * against the bound from the moment it is offered until its writer reports it {@link #sent}. Replayed events are
 * the exception: the history holds them anyway, so they cost the stream a reference, not their bytes.
 */
public final class Outbox {

    /** Why an outbox closed. */
    public enum Closing {
        /** Every queued message was written; the stream ends normally (a counter that reached its limit). */
        FINISHED,
        /** Closed from outside: {@code POST /api/disconnect}, shutdown, or the stream's own end. */
        CLOSED,
        /** The client read too slowly: its unsent output passed the bound. */
        OVERFLOWED
    }

    private final long capacityBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<SseMessage> replay = new ArrayDeque<>();
    private final ArrayDeque<SseMessage> queue = new ArrayDeque<>();
    private long heldBytes;
    private long takenBytes; // of the live messages taken and not yet reported sent
    private boolean taken; // a message was taken and not yet reported sent
    private FanOut awaitedBy; // the publish waiting for this stream's write of one event, or null
    private SseMessage awaited;
    private boolean awaitedTaken;
    private long lastSentNanos = System.nanoTime(); // when the writer last reported a write (or the stream began)
    private Closing closing;
    private boolean finishing;
    private volatile Runnable wakeUp = () -> { };
    private volatile Runnable onOverflow = () -> { };

    public Outbox(long capacityBytes) {
        this.capacityBytes = capacityBytes;
    }

    /**
     * Queues a message without waiting. Returns false when the outbox is closed or the message would take the
     * unsent bytes past the bound, in which case the outbox closes as {@link Closing#OVERFLOWED}.
     */
    public boolean offer(SseMessage message) {
        return offer(message, null);
    }

    /**
     * Queues a message as {@link #offer(SseMessage)} does. When this outbox had nothing unsent (its stream keeps up),
     * {@code fanOut} waits for the stream's write of it: the outbox reports it once the writer says it was
     * {@linkplain #sent() sent}, or when the stream ends.
     */
    public boolean offer(SseMessage message, FanOut fanOut) {
        boolean queued;
        lock.lock();
        try {
            if (closing != null || finishing) {
                return false;
            }
            queued = heldBytes + message.sizeInBytes() <= capacityBytes;
            if (queued) {
                if (fanOut != null && awaitedBy == null && heldBytes == 0 && !taken && replay.isEmpty()) {
                    awaitedBy = fanOut;
                    awaited = message;
                    fanOut.expect();
                }
                heldBytes += message.sizeInBytes();
                queue.add(message);
                changed.signalAll();
            } else {
                closeLocked(Closing.OVERFLOWED);
            }
        } finally {
            lock.unlock();
        }
        if (!queued) {
            onOverflow.run();
        }
        wakeUp.run();
        return queued;
    }

    /** Queues a replayed event (or the gap signal before them): ahead of every offered message, costing no bytes. */
    public void offerReplayed(SseMessage.Event event) {
        lock.lock();
        try {
            if (closing == null && !finishing) {
                replay.add(event);
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        wakeUp.run();
    }

    /**
     * Queues a heartbeat when the writer has reported no write since {@code silentSinceNanos} and has nothing
     * queued or in hand: so no stream is silent for a whole heartbeat period, and no writer needs a timer of its own.
     */
    public void heartbeatIfSilentSince(long silentSinceNanos) {
        lock.lock();
        try {
            if (closing != null || finishing || taken || !queue.isEmpty() || !replay.isEmpty()
                    || lastSentNanos - silentSinceNanos > 0) {
                return;
            }
            heldBytes += SseMessage.HEARTBEAT.sizeInBytes();
            queue.add(SseMessage.HEARTBEAT);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        wakeUp.run();
    }

    /** The next message, waiting as long as it takes: {@link SseMessage#END} once the outbox is closed or finished. */
    public SseMessage take() throws InterruptedException {
        return take(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    }

    /**
     * The next message, waiting up to {@code timeout}: null when nothing came in time, {@link SseMessage#END} once
     * the outbox is closed, or finished and drained.
     */
    public SseMessage take(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lock();
        try {
            while (true) {
                if (closing == Closing.CLOSED || closing == Closing.OVERFLOWED) {
                    return SseMessage.END;
                }
                SseMessage next = replay.poll();
                if (next == null) {
                    next = queue.poll();
                    if (next != null) {
                        takenBytes += next.sizeInBytes();
                    }
                }
                if (next != null) {
                    taken = true;
                    awaitedTaken |= next == awaited;
                    return next;
                }
                if (finishing) {
                    closing = Closing.FINISHED;
                    releaseAwaited();
                    return SseMessage.END;
                }
                if (nanos <= 0) {
                    return null;
                }
                if (nanos == Long.MAX_VALUE) {
                    changed.await(); // no timer: a parked writer costs nothing until it is woken
                } else {
                    nanos = changed.awaitNanos(nanos);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The next message without waiting: null when there is none yet. For writers driven by callbacks. */
    public SseMessage poll() {
        try {
            return take(0, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SseMessage.END;
        }
    }

    /**
     * The writer wrote every message it has taken (to the socket, or to its stack, which wrote it): their bytes no
     * longer count against the bound, and a publish waiting for one of them is told.
     */
    public void sent() {
        lock.lock();
        try {
            if (closing == null) { // a closed outbox already let go of everything
                heldBytes -= takenBytes;
            }
            takenBytes = 0;
            taken = false;
            lastSentNanos = System.nanoTime();
            if (awaitedTaken) {
                releaseAwaited();
            }
        } finally {
            lock.unlock();
        }
    }

    private void releaseAwaited() {
        if (awaitedBy != null) {
            awaitedBy.delivered();
        }
        awaitedBy = null;
        awaited = null;
        awaitedTaken = false;
    }

    /** No more messages will come: the writer ends the stream after the queued ones. */
    public void finish() {
        lock.lock();
        try {
            finishing = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        wakeUp.run();
    }

    /** Ends the stream now; queued messages are dropped. */
    public void close() {
        lock.lock();
        try {
            closeLocked(Closing.CLOSED);
        } finally {
            lock.unlock();
        }
        wakeUp.run();
    }

    private void closeLocked(Closing why) {
        if (closing == null) {
            closing = why;
            replay.clear();
            queue.clear();
            heldBytes = 0;
            releaseAwaited(); // nothing more will be written: no publish waits for this stream
        }
        changed.signalAll();
    }

    /** Why the outbox closed, or null while it is open. */
    public Closing closing() {
        lock.lock();
        try {
            return closing;
        } finally {
            lock.unlock();
        }
    }

    public long heldBytes() {
        lock.lock();
        try {
            return heldBytes;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs once when the outbox overflows, on the producer's thread: a server whose writer may be blocked on the
     * slow client closes the connection here, so that write fails now. Must only hand work on, never block.
     */
    public void onOverflow(Runnable onOverflow) {
        this.onOverflow = onOverflow;
    }

    /**
     * For writers driven by callbacks rather than a blocked thread: runs after every offer, finish and close. It
     * runs on the producer's thread, so it must only hand work on (never write, never block).
     */
    public void onWakeUp(Runnable wakeUp) {
        this.wakeUp = wakeUp;
    }
}
