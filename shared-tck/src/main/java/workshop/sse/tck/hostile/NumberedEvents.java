package workshop.sse.tck.hostile;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import workshop.sse.tck.RawHttp;
import workshop.sse.tck.RawResponse;
import workshop.sse.tck.RawSseStream;
import workshop.sse.tck.SseFrame;

/**
 * The witness of a hostile run: a broadcast subscriber, and a publisher of a numbered event every 20 ms. In the end,
 * the subscriber must have got every id exactly once and in order, and every publish must have been accepted.
 *
 * <p>A publish not answered within {@link RawHttp#ANSWER} is waited for, up to five times that, as the hostile
 * sender waits again for a timed-out request: a shared machine running two test JVMs on two cores stalls a request
 * for seconds now and then. A late answer or two are such stalls; more than {@link #LATE_PUBLISHES_ALLOWED} are a
 * server that keeps a normal client waiting, and no answer at all is a server that stopped. Both fail.
 */
final class NumberedEvents implements AutoCloseable {

    static final String EVENT = "hostile-seq";
    static final int LATE_PUBLISHES_ALLOWED = 2;
    private static final int PATIENCE = 5;

    private final URI base;
    /** An answer later than this is late; one five times later never came. */
    private final Duration answer;
    private final RawSseStream stream;
    /** Every id the subscriber got, and those of our own events. */
    private final List<Long> all = new CopyOnWriteArrayList<>();
    private final List<Long> ours = new CopyOnWriteArrayList<>();
    private final List<Long> published = Collections.synchronizedList(new ArrayList<>());
    private final List<String> streamProblems = new CopyOnWriteArrayList<>();
    private final List<String> publishProblems = new CopyOnWriteArrayList<>();
    private final AtomicBoolean reading = new AtomicBoolean(true);
    private final AtomicBoolean publishing = new AtomicBoolean(true);
    private final List<String> latePublishes = new CopyOnWriteArrayList<>();
    private volatile long slowestPublishNanos;
    private final Thread reader;
    private final Thread publisher;

    private NumberedEvents(URI base, RawSseStream stream, Duration answer) {
        this.base = base;
        this.answer = answer;
        this.stream = stream;
        this.reader = Thread.ofVirtual().name("hostile-subscriber").start(this::read);
        this.publisher = Thread.ofVirtual().name("hostile-publisher").start(this::publishEvery20Ms);
    }

    /** Subscribes, then starts publishing. */
    static NumberedEvents start(URI base) throws IOException {
        return start(base, RawHttp.ANSWER);
    }

    /** As {@link #start(URI)}, with {@code answer} as the time an ordinary answer takes at most. */
    static NumberedEvents start(URI base, Duration answer) throws IOException {
        RawSseStream stream = RawSseStream.open(base, "GET", "/api/broadcast");
        if (stream.status() != 200) {
            stream.close();
            throw new AssertionError("GET /api/broadcast answered " + stream.status());
        }
        return new NumberedEvents(base, stream, answer);
    }

    private void read() {
        try {
            while (reading.get()) {
                SseFrame frame = stream.poll(Duration.ofMillis(300));
                if (frame == null) {
                    if (stream.ended()) {
                        streamProblems.add("the broadcast stream ended during the hostile run");
                        return;
                    }
                    continue;
                }
                if (frame.isEvent() && frame.has("id")) {
                    long id = Long.parseLong(frame.id());
                    all.add(id);
                    if (EVENT.equals(frame.event())) {
                        ours.add(id);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            streamProblems.add("the subscriber failed: " + e);
        }
    }

    private void publishEvery20Ms() {
        int n = 0;
        while (publishing.get()) {
            long next = System.nanoTime() + 20_000_000L;
            n++;
            try {
                RawResponse r = timedPublish("seq " + n);
                if (r.status() == 202) {
                    published.add(r.json().path("id").asLong());
                } else {
                    publishProblems.add("publish " + n + " answered " + r.status());
                }
            } catch (IOException | RuntimeException e) {
                publishProblems.add("publish " + n + " failed: " + e);
            }
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(sleep));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Stops the publisher, then publishes one last event by hand: a server that survived still takes it. */
    String stopPublishing() throws InterruptedException {
        publishing.set(false);
        publisher.join();
        try {
            RawResponse r = timedPublish("final");
            if (r.status() != 202) {
                return "a normal publish after the run answered " + r.status() + " " + r.text();
            }
            published.add(r.json().path("id").asLong());
            return null;
        } catch (IOException e) {
            return "a normal publish after the run failed: " + e;
        }
    }

    /** Waits up to 5 s for the last published event to arrive, stops reading, and says what went wrong. */
    List<String> verdict() throws InterruptedException {
        long last = published.isEmpty() ? -1 : published.get(published.size() - 1);
        long waitUntil = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < waitUntil && streamProblems.isEmpty() && !ours.contains(last)) {
            Thread.sleep(50);
        }
        reading.set(false);
        reader.join(2_000);

        List<String> problems = new ArrayList<>(streamProblems);
        problems.addAll(publishProblems.stream().limit(5).toList());
        if (publishProblems.size() > 5) {
            problems.add("... " + (publishProblems.size() - 5) + " more failed publishes");
        }
        if (latePublishes.size() > LATE_PUBLISHES_ALLOWED) {
            problems.add(latePublishes.size() + " publishes were answered later than " + answer.toMillis()
                    + " ms (more than " + LATE_PUBLISHES_ALLOWED + " is not a stall of the machine): " + latePublishes);
        }
        List<Long> expected = List.copyOf(published);
        if (!ours.equals(expected)) {
            problems.add("the subscriber's " + EVENT + " ids differ from the published ones: published "
                    + expected.size() + ", received " + ours.size() + "; " + firstDifference(expected, ours));
        }
        for (int i = 1; i < all.size(); i++) {
            if (all.get(i) != all.get(i - 1) + 1) {
                problems.add("the stream's ids are not consecutive: " + all.get(i - 1) + " then " + all.get(i)
                        + " (at event " + i + ")");
                break;
            }
        }
        return problems;
    }

    String summary() {
        return "published " + published.size() + ", subscriber got " + ours.size() + " of them (" + all.size()
                + " ids in all), the slowest answered in " + slowestPublishNanos / 1_000_000 + " ms"
                + (latePublishes.isEmpty() ? "" : ", late: " + latePublishes);
    }

    @Override
    public void close() {
        publishing.set(false);
        reading.set(false);
        stream.abort();
    }

    /** Publishes, waiting five times {@link #answer}; an answer later than {@code answer} is noted as late. */
    private RawResponse timedPublish(String body) throws IOException {
        long started = System.nanoTime();
        RawResponse response = publish(body);
        long tookNanos = System.nanoTime() - started;
        slowestPublishNanos = Math.max(slowestPublishNanos, tookNanos);
        if (tookNanos > answer.toNanos()) {
            latePublishes.add("'" + body + "' in " + tookNanos / 1_000_000 + " ms");
        }
        return response;
    }

    private RawResponse publish(String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (RawHttp conn = RawHttp.connect(base)) {
            conn.send(conn.head("POST", "/api/broadcast?event=" + EVENT, "Content-Type: text/plain; charset=utf-8",
                    "Content-Length: " + bytes.length, "Connection: close") + body);
            return conn.readResponse(false, answer.multipliedBy(PATIENCE));
        }
    }

    private static String firstDifference(List<Long> expected, List<Long> actual) {
        int n = Math.min(expected.size(), actual.size());
        for (int i = 0; i < n; i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                return "first difference at index " + i + ": expected id " + expected.get(i) + ", got "
                        + actual.get(i);
            }
        }
        return expected.size() > n ? "missing from id " + expected.get(n) : "extra from id " + actual.get(n);
    }
}
