package workshop.sse.tck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;

import org.opentest4j.AssertionFailedError;

/**
 * An event stream read by a real SSE client (okhttp-sse): what an application sees, with multi-line data joined and
 * fields parsed. okhttp-sse does not reconnect by itself; checks that need a reconnect open a new EventStream with
 * {@code Last-Event-ID}, as EventSource would after {@code retry} ms.
 *
 * <p>Note: like EventSource, okhttp-sse reports the last id seen for an event that has no {@code id:} line, so "this
 * event has no id" can only be checked on the wire ({@link RawSseStream}).
 */
public final class EventStream implements AutoCloseable {

    /** One event as the client dispatched it. */
    public record Event(String id, String type, String data, long receivedNanos) {
        public String describe() {
            return "{id " + id + ", event " + type + ", data " + Printable.of(data) + "}";
        }
    }

    private sealed interface Signal permits Opened, Received, Ended {
    }

    private record Opened(int status) implements Signal {
    }

    private record Received(Event event) implements Signal {
    }

    private record Ended(String why) implements Signal {
    }

    private final String name;
    private final BlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
    private final EventSource source;
    private volatile boolean cancelled;
    private String endedBecause;
    private Integer status;

    private EventStream(EventSource.Factory factory, HttpUrl url, Map<String, String> headers) {
        this.name = "GET " + url.encodedPath() + (url.encodedQuery() == null ? "" : "?" + url.encodedQuery());
        Request.Builder request = new Request.Builder().url(url);
        headers.forEach(request::header);
        this.source = factory.newEventSource(request.build(), new Listener());
    }

    public static EventStream open(EventSource.Factory factory, HttpUrl url, Map<String, String> headers) {
        return new EventStream(factory, url, headers);
    }

    /** Waits for the response head; fails unless it is a 200 event stream. */
    public EventStream awaitOpen(Duration within) {
        Signal signal = take(within);
        if (signal instanceof Opened) {
            return this;
        }
        throw new AssertionFailedError(name + ": did not open: " + endedBecause);
    }

    /** The next event; fails if the stream ends or nothing comes within {@code within}. */
    public Event next(Duration within) {
        return next(event -> true, within);
    }

    /** The next event that matches, skipping the others (presence events of other subscribers, say). */
    public Event next(Predicate<Event> matching, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            Signal signal = take(Duration.ofNanos(deadline - System.nanoTime()));
            if (signal instanceof Received received && matching.test(received.event())) {
                return received.event();
            }
            if (signal instanceof Ended) {
                throw new AssertionFailedError(name + ": stream ended (" + endedBecause + ") while waiting for an event");
            }
        }
    }

    /** The next {@code count} matching events. */
    public List<Event> next(int count, Predicate<Event> matching, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        List<Event> events = new ArrayList<>();
        while (events.size() < count) {
            try {
                events.add(next(matching, Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))));
            } catch (AssertionFailedError e) {
                throw new AssertionFailedError(e.getMessage() + "; got " + events.size() + " of " + count + ": "
                        + events.stream().map(Event::describe).toList());
            }
        }
        return events;
    }

    /** Waits until the server ends the stream; returns the events that came before the end. */
    public List<Event> awaitEnd(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        List<Event> events = new ArrayList<>();
        while (true) {
            Signal signal;
            try {
                signal = take(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (AssertionFailedError e) {
                throw new AssertionFailedError(name + ": the server did not end the stream within " + within.toMillis()
                        + " ms");
            }
            if (signal instanceof Received received) {
                events.add(received.event());
            } else if (signal instanceof Ended) {
                return events;
            }
        }
    }

    /** Everything received so far and not yet taken, without waiting. */
    public List<Event> drain() {
        List<Event> events = new ArrayList<>();
        Signal signal;
        while ((signal = signals.poll()) != null) {
            if (signal instanceof Received received) {
                events.add(received.event());
            } else if (signal instanceof Ended) {
                signals.add(signal);
                break;
            }
        }
        return events;
    }

    /** The HTTP status of the response, once it arrived (null before). */
    public Integer status() {
        return status;
    }

    private Signal take(Duration within) {
        if (endedBecause != null) {
            return new Ended(endedBecause);
        }
        try {
            Signal signal = signals.poll(Math.max(0, within.toNanos()), TimeUnit.NANOSECONDS);
            if (signal == null) {
                throw new AssertionFailedError(name + ": nothing within " + within.toMillis() + " ms");
            }
            if (signal instanceof Opened opened) {
                status = opened.status();
            }
            if (signal instanceof Ended ended) {
                endedBecause = ended.why();
            }
            return signal;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionFailedError("interrupted");
        }
    }

    @Override
    public void close() {
        cancelled = true;
        source.cancel();
    }

    private final class Listener extends EventSourceListener {
        @Override
        public void onOpen(EventSource eventSource, Response response) {
            signals.add(new Opened(response.code()));
        }

        @Override
        public void onEvent(EventSource eventSource, String id, String type, String data) {
            signals.add(new Received(new Event(id, type, data, System.nanoTime())));
        }

        @Override
        public void onClosed(EventSource eventSource) {
            signals.add(new Ended("closed by the server"));
        }

        @Override
        public void onFailure(EventSource eventSource, Throwable failure, Response response) {
            if (cancelled) {
                return;
            }
            String why = response != null
                    ? "HTTP " + response.code() + " " + response.header("Content-Type", "")
                    : String.valueOf(failure);
            signals.add(new Ended(why));
        }
    }
}
