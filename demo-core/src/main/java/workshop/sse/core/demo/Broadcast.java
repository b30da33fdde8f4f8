package workshop.sse.core.demo;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import workshop.sse.core.http.Json;
import workshop.sse.core.wire.FanOut;
import workshop.sse.core.wire.Outbox;
import workshop.sse.core.wire.SseMessage;
import workshop.sse.core.wire.SseStream;

/**
 * The shared broadcast: numbered events, a bounded history to replay from, and the subscribers' outboxes.
 * Publishing and subscribing take the same lock, so a subscriber's replay and its live events meet with
 * nothing lost and nothing doubled, however publishes race a reconnect. Delivery only offers to outboxes,
 * which never wait, so a slow subscriber cannot hold the lock or anyone else up.
 */
public final class Broadcast {

    /**
     * Presence updates are coalesced into rounds. A round costs one write per subscriber, so the more subscribers,
     * the fewer rounds: at least 25 ms apart, and far enough apart that presence costs at most about 10,000 writes a
     * second (one round a second at 10,000 subscribers), however fast clients come and go.
     */
    static final long PRESENCE_COALESCE_MS = 25;
    static final int PRESENCE_WRITES_PER_SECOND = 10_000;

    public record Published(long id, String event, int subscribers) {
        public String json() {
            return Json.object("id", id, "event", event, "subscribers", subscribers);
        }
    }

    private final int capacity;
    private final long paceLimitMs;
    private final ScheduledExecutorService timer;
    private final Object lock = new Object();
    private final ArrayDeque<SseMessage.Event> history = new ArrayDeque<>();
    private final Set<SseStream> subscribers = new LinkedHashSet<>();
    // With Redis: subscribers that resumed after an id this instance had not read yet, and the id up to which the
    // events still on their way here are ones they already have.
    private final Map<SseStream, Long> alreadyHaveThrough = new HashMap<>();
    private final AtomicBoolean presenceDue = new AtomicBoolean();
    private long lastId;
    // With Redis (SPEC section 11): the other live instances' subscribers, and who to tell when ours change.
    private volatile int subscribersElsewhere;
    private volatile Runnable localCountChanged = () -> { };
    private volatile Supplier<CompletionStage<Long>> newestStored; // null: this instance's lastId is the newest

    /** A broadcast whose publishes do not wait for the fan-out: for tests that drain the outboxes themselves. */
    public Broadcast(int capacity, ScheduledExecutorService timer) {
        this(capacity, 0, timer);
    }

    /**
     * @param paceLimitMs how long a publish waits, at most, for the subscribers that keep up to have written it
     */
    public Broadcast(int capacity, long paceLimitMs, ScheduledExecutorService timer) {
        this.capacity = capacity;
        this.paceLimitMs = paceLimitMs;
        this.timer = timer;
    }

    /**
     * Numbers the event, keeps it for replay, and hands it to every subscriber; then waits (up to the pace limit)
     * until every subscriber that was keeping up has written it. So the answer to a publish means delivered, and
     * a burst of publishes is paced by the fan-out instead of piling up in the outboxes (see {@link FanOut}).
     */
    public Published publish(String eventName, String data) {
        FanOut fanOut = new FanOut();
        Published published = offerToAll(eventName, data, paceLimitMs > 0 ? fanOut : null);
        if (paceLimitMs > 0) {
            fanOut.await(paceLimitMs);
        }
        return published;
    }

    private Published offerToAll(String eventName, String data, FanOut fanOut) {
        synchronized (lock) {
            handOut(lastId + 1, eventName, data, fanOut);
            return new Published(lastId, eventName, subscribers.size());
        }
    }

    /**
     * With Redis: the event numbered {@code id} that the instance's reader took from the shared stream, in id
     * order. Kept and handed out as a local publish is, under the same lock, so replay and live delivery still
     * meet with nothing lost or doubled; {@code fanOut} is this instance's publisher waiting for it, or null.
     */
    void deliver(long id, String eventName, String data, FanOut fanOut) {
        synchronized (lock) {
            handOut(id, eventName, data, fanOut);
        }
    }

    /** Under the lock: numbers the event {@code id}, keeps it for replay, and offers it to every subscriber. */
    private void handOut(long id, String eventName, String data, FanOut fanOut) {
        SseMessage.Event event = new SseMessage.Event(Long.toString(id), eventName, data);
        lastId = id;
        retain(event);
        for (SseStream subscriber : subscribers) {
            if (alreadyHaveThrough.isEmpty() || !alreadyHas(subscriber, id)) {
                subscriber.outbox().offer(event, fanOut); // a full outbox closes itself; its writer ends the stream
            }
        }
    }

    /** Under the lock: whether the subscriber resumed after this id, which this instance reads only now. */
    private boolean alreadyHas(SseStream subscriber, long id) {
        Long through = alreadyHaveThrough.get(subscriber);
        if (through == null) {
            return false;
        }
        if (id >= through) {
            alreadyHaveThrough.remove(subscriber); // caught up: from the next event on, everything is new to it
        }
        return id <= through;
    }

    /** With Redis, at start: the newest retained events (oldest first) and the newest id, before any subscriber. */
    void load(List<SseMessage.Event> events, long newestId) {
        synchronized (lock) {
            history.clear();
            events.forEach(this::retain);
            lastId = newestId;
        }
    }

    private void retain(SseMessage.Event event) {
        if (capacity > 0) {
            if (history.size() == capacity) {
                history.removeFirst();
            }
            history.addLast(event);
        }
    }

    /** With Redis: the subscribers of the other live instances changed; everyone here hears the new total. */
    void subscribersElsewhere(int count) {
        if (count != subscribersElsewhere) {
            subscribersElsewhere = count;
            presenceChanged();
        }
    }

    /** With Redis: how to learn the newest id stored, for a subscriber that resumes after an id not read here yet. */
    void whenAheadAsk(Supplier<CompletionStage<Long>> newestStoredId) {
        newestStored = newestStoredId;
    }

    /** With Redis: told whenever this instance's subscriber count changes, so the others learn it promptly. */
    void whenLocalCountChanges(Runnable listener) {
        localCountChanged = listener;
    }

    /** Every broadcast subscriber: this instance's, plus (with Redis) those of the other live instances. */
    public int totalSubscribers() {
        return subscribers() + subscribersElsewhere;
    }

    /**
     * Adds a subscriber that resumes after {@code lastEventId} (if any): its outbox gets the gap signal when
     * events after it were already dropped, the retained events after it, then its own presence; live events
     * follow as they are published.
     */
    void subscribe(SseStream stream, OptionalLong lastEventId) {
        Supplier<CompletionStage<Long>> shared = newestStored;
        if (shared != null && lastEventId.isPresent() && lastEventId.getAsLong() > lastEventId()) {
            // With Redis, an id from another instance can be ahead of what this one has read so far. Whether the
            // events up to it are still on their way here, or were never published, only the store can say.
            long after = lastEventId.getAsLong();
            shared.get().whenComplete((newest, unreachable) ->
                    join(stream, lastEventId, unreachable == null ? Math.min(after, newest) : 0));
            return;
        }
        join(stream, lastEventId, 0);
    }

    /** Replay, then the subscriber's presence; events up to {@code alreadyHave} that arrive later are not sent. */
    private void join(SseStream stream, OptionalLong lastEventId, long alreadyHave) {
        synchronized (lock) {
            if (stream.isEnded()) {
                return; // gone while the store was asked
            }
            if (lastEventId.isPresent()) {
                replayInto(stream.outbox(), lastEventId.getAsLong());
            }
            subscribers.add(stream);
            if (alreadyHave > lastId) {
                alreadyHaveThrough.put(stream, alreadyHave);
            }
            stream.outbox().offer(presence(subscribers.size() + subscribersElsewhere));
        }
        stream.whenEnded(() -> unsubscribe(stream));
        localCountChanged.run();
        presenceChanged();
    }

    private void replayInto(Outbox outbox, long after) {
        if (after >= lastId) {
            return; // up to date, or ahead of us: nothing to replay
        }
        long oldestRetained = history.isEmpty() ? lastId + 1 : Long.parseLong(history.getFirst().id());
        long missed = oldestRetained - after - 1;
        if (missed > 0) {
            outbox.offerReplayed(new SseMessage.Event(null, "gap", Json.object("missed", missed)));
        }
        for (SseMessage.Event event : history) {
            if (Long.parseLong(event.id()) > after) {
                outbox.offerReplayed(event);
            }
        }
    }

    private void unsubscribe(SseStream stream) {
        synchronized (lock) {
            subscribers.remove(stream);
            alreadyHaveThrough.remove(stream);
        }
        localCountChanged.run();
        presenceChanged();
    }

    /** The count changed: send everyone the count soon, once for a whole burst of changes. */
    private void presenceChanged() {
        if (presenceDue.compareAndSet(false, true)) {
            try {
                long delay = Math.max(PRESENCE_COALESCE_MS, subscribers() * 1000L / PRESENCE_WRITES_PER_SECOND);
                timer.schedule(this::sendPresence, delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                // the timer is shut down: the server is stopping, and there is nobody left to tell
            }
        }
    }

    private void sendPresence() {
        presenceDue.set(false); // a change from now on schedules another round, so the last count sent is true
        synchronized (lock) {
            SseMessage.Event presence = presence(subscribers.size() + subscribersElsewhere);
            for (SseStream subscriber : subscribers) {
                subscriber.outbox().offer(presence);
            }
        }
    }

    private static SseMessage.Event presence(int subscribers) {
        return new SseMessage.Event(null, "presence", Json.object("subscribers", subscribers));
    }

    public long lastEventId() {
        synchronized (lock) {
            return lastId;
        }
    }

    public int historySize() {
        synchronized (lock) {
            return history.size();
        }
    }

    public int capacity() {
        return capacity;
    }

    public int subscribers() {
        synchronized (lock) {
            return subscribers.size();
        }
    }

    /** The retained events, oldest first (for tests and tools). */
    public List<SseMessage.Event> retained() {
        synchronized (lock) {
            return new ArrayList<>(history);
        }
    }
}
