package workshop.sse.tck;

import java.time.Duration;
import java.util.concurrent.Callable;

import org.opentest4j.AssertionFailedError;

/**
 * Waiting with a deadline. The kit never waits without one: a server that does not do what the SPEC says makes a
 * check fail after a few seconds, with the check's last failure as the reason, instead of hanging the build.
 */
public final class Eventually {

    private static final Duration POLL = Duration.ofMillis(50);

    private Eventually() {
    }

    /** A check that throws (an assertion error, usually) while its condition does not hold yet. */
    @FunctionalInterface
    public interface Check {
        void run() throws Exception;
    }

    /** Runs {@code check} until it passes; once {@code timeout} has passed, fails with its last failure. */
    public static void eventually(Duration timeout, Check check) {
        eventually(timeout, () -> {
            check.run();
            return null;
        });
    }

    /** Calls {@code attempt} until it returns without throwing, and returns what it returned. */
    public static <T> T eventually(Duration timeout, Callable<T> attempt) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return attempt.call();
            } catch (Exception | AssertionError e) {
                if (System.nanoTime() - deadline >= 0) {
                    throw new AssertionFailedError("still failing after " + timeout.toMillis() + " ms: " + e.getMessage(), e);
                }
                sleep(POLL);
            }
        }
    }

    /** Thread.sleep without the checked exception: the kit's waits are short and never interrupted on purpose. */
    public static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }

    /** Milliseconds since {@code startNanos} (a {@link System#nanoTime()} value). */
    public static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
