package workshop.sse.core.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Slowloris protection for a stack that lacks it: a connection waiting for a request head (just opened, or kept
 * alive after a response) that has not completed one within {@link HeadRules#DEADLINE_MS} is expired: the server
 * answers 408 where it still can, and closes it. The server tells what happens on each connection (a head began
 * to be awaited, a head is complete, its answer is sent, it closed); a sweep four times a second finds the late.
 *
 * @param <K> how the server names a connection in its hooks
 * @param <C> the connection itself, as the server needs it to expire it
 */
public final class HeadDeadlines<K, C> implements AutoCloseable {

    private static final long SWEEP_MS = 250;

    /** Per connection: is a request being handled, and since when has it been waiting for a head. */
    private final class Waiting {
        final C connection;
        volatile boolean handling;
        volatile long sinceNanos;

        Waiting(C connection, long sinceNanos) {
            this.connection = connection;
            this.sinceNanos = sinceNanos;
        }
    }

    private final Map<K, Waiting> connections = new ConcurrentHashMap<>();
    private final long deadlineNanos;
    private final Consumer<C> expire;
    private final Predicate<C> isOpen;
    private volatile Runnable alsoOnSweep = () -> { };
    private final ScheduledExecutorService sweeper =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("head-deadlines").daemon().factory());

    /**
     * @param expire answers 408 on a late connection and closes it (on the sweeper's thread: must not block long)
     * @param isOpen false for a connection closed meanwhile, which is then forgotten
     */
    public HeadDeadlines(Consumer<C> expire, Predicate<C> isOpen) {
        this(HeadRules.DEADLINE_MS, expire, isOpen);
    }

    /** With a deadline of its own: a backstop behind a server's own 408 fires a little after it (the raw server's TLS). */
    public HeadDeadlines(long deadlineMs, Consumer<C> expire, Predicate<C> isOpen) {
        this.deadlineNanos = TimeUnit.MILLISECONDS.toNanos(deadlineMs);
        this.expire = expire;
        this.isOpen = isOpen;
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_MS, SWEEP_MS, TimeUnit.MILLISECONDS);
    }

    /** The connection began waiting for its first head at {@code sinceNanos}; a second call changes nothing. */
    public void opened(K key, C connection, long sinceNanos) {
        connections.putIfAbsent(key, new Waiting(connection, sinceNanos));
    }

    /** Its head is complete: no deadline while the request is handled. */
    public void headComplete(K key) {
        Waiting waiting = connections.get(key);
        if (waiting != null) {
            waiting.handling = true;
        }
    }

    /** Its answer is sent: the clock starts again for the next head. */
    public void answered(K key) {
        Waiting waiting = connections.get(key);
        if (waiting != null) {
            waiting.sinceNanos = System.nanoTime();
            waiting.handling = false;
        }
    }

    /** Forgets the connection (it closed); returns it, or null when it was not known. */
    public C forget(K key) {
        Waiting waiting = connections.remove(key);
        return waiting == null ? null : waiting.connection;
    }

    /** A task of the server's own to run with every sweep (tidying its bookkeeping), on the sweeper's thread. */
    public void alsoOnEverySweep(Runnable task) {
        this.alsoOnSweep = task;
    }

    private void sweep() {
        alsoOnSweep.run();
        long now = System.nanoTime();
        connections.forEach((key, waiting) -> {
            if (!isOpen.test(waiting.connection)) { // closed by the stack or the client: forget it
                connections.remove(key, waiting);
            } else if (!waiting.handling && now - waiting.sinceNanos > deadlineNanos
                    && connections.remove(key, waiting)) {
                expire.accept(waiting.connection);
            }
        });
    }

    /** Stops the sweeps; a sweep under way is waited for, so none expires anything after this returns. */
    @Override
    public void close() {
        sweeper.shutdownNow();
        try {
            sweeper.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
