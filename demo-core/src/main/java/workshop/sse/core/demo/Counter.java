package workshop.sse.core.demo;

import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import workshop.sse.core.http.ApiError;
import workshop.sse.core.http.Json;
import workshop.sse.core.wire.SseMessage;
import workshop.sse.core.wire.SseStream;

/** The per-connection counter's rules: its query, where it resumes, and when it stops. */
public final class Counter {

    /** What a valid counter request asks for. {@code limit} is 0 when there is none. */
    public record Plan(long intervalMs, long limit, long firstCount) {

        /** The request's Last-Event-ID is already at or past the limit: 204 tells EventSource to stop. */
        public boolean alreadyDone() {
            return limit > 0 && firstCount > limit;
        }
    }

    private Counter() {
    }

    /** Reads {@code interval} and {@code limit} (null when absent) and where to resume; 400 for a bad query. */
    public static Plan plan(String interval, String limit, OptionalLong lastEventId) {
        long intervalMs = interval == null ? 1000 : number("interval", interval, 50, 60_000);
        long limitCount = limit == null ? 0 : number("limit", limit, 1, 1_000_000);
        long first = lastEventId.isPresent() ? lastEventId.getAsLong() + 1 : 1;
        return new Plan(intervalMs, limitCount, first);
    }

    private static long number(String name, String text, long min, long max) {
        if (text.matches("[0-9]{1,9}")) {
            long value = Long.parseLong(text);
            if (value >= min && value <= max) {
                return value;
            }
        }
        throw new ApiError(400, "Query parameter " + name + " must be a whole number from " + min + " to " + max
                + ", not '" + text + "'.");
    }

    /** Starts ticking into the stream: the first tick at once, then one every interval, until the limit. */
    static void start(SseStream stream, Plan plan, ScheduledExecutorService timer) {
        AtomicLong next = new AtomicLong(plan.firstCount());
        Runnable tick = () -> {
            long count = next.getAndIncrement();
            if (plan.limit() > 0 && count > plan.limit()) {
                return;
            }
            stream.outbox().offer(tick(count));
            if (count == plan.limit()) {
                stream.outbox().finish(); // the writer ends the stream after this last tick
            }
        };
        ScheduledFuture<?> ticking = timer.scheduleAtFixedRate(tick, 0, plan.intervalMs(), TimeUnit.MILLISECONDS);
        stream.whenEnded(() -> ticking.cancel(false));
    }

    static SseMessage.Event tick(long count) {
        return new SseMessage.Event(Long.toString(count), "tick", Json.object("count", count, "at", Instant.now().toString()));
    }
}
