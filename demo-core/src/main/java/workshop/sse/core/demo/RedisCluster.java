package workshop.sse.core.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import reactor.util.Loggers;
import workshop.sse.core.http.ApiError;
import workshop.sse.core.wire.FanOut;
import workshop.sse.core.wire.SseMessage;
import workshop.sse.core.wire.SseStream;

/**
 * The broadcast shared by several instances through Redis (SPEC section 11): ids, history and fan-out live there,
 * presence is summed there. Per instance, never per stream: one command connection (publishes, presence), one
 * reader connection blocked in {@code XREAD} on a virtual thread that hands each stored event to the local
 * {@link Broadcast} in id order, and one pub/sub connection that hears when another instance's count changed.
 * Redis going away closes no stream: publishes are refused (503) until it is back, and the reader and presence
 * pick up by themselves from where they were.
 */
final class RedisCluster implements AutoCloseable {

    static final String LAST_ID = "sse:broadcast:last-id";
    static final String EVENTS = "sse:broadcast:events";
    static final String PRESENCE = "sse:broadcast:presence";
    static final String PRESENCE_CHANGED = "sse:broadcast:presence-changed";

    static final long PRESENCE_REFRESH_MS = 1000;
    static final long PRESENCE_EXPIRY_MS = 3000;
    /**
     * The stream keeps at least this many entries, even when HISTORY_SIZE is smaller: the entries are also the
     * fan-out, and a reader a little behind (a burst, a pause) must still find them. Replay reads the local mirror,
     * trimmed to HISTORY_SIZE, so clients see the same history as in memory.
     */
    static final int MIN_STREAM_LENGTH = 1000;
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
    private static final long READ_BLOCK_MS = 1000;
    private static final long RETRY_FIRST_MS = 100;
    private static final long RETRY_MAX_MS = 1000;
    private static final Map<String, String> RETRY_AFTER = Map.of("Retry-After", "2");

    /**
     * Numbers and stores one event as one step. KEYS: the last id, the stream. ARGV: the id to go past at least
     * (the caller's newest: so ids go on, never restart, after a Redis that lost its data), the stream's length, the
     * event name, the data, the publish's origin (how its instance knows it back).
     */
    private static final String APPEND = """
            local id = redis.call('INCR', KEYS[1])
            local floor = tonumber(ARGV[1])
            if id <= floor then
              id = floor + 1
              redis.call('SET', KEYS[1], id)
            end
            redis.call('XADD', KEYS[2], 'MAXLEN', '=', ARGV[2], id .. '-0',
                'event', ARGV[3], 'data', ARGV[4], 'origin', ARGV[5])
            return id
            """;

    /**
     * Records this instance's open streams (broadcast and counter) until an expiry on Redis's own clock (or removes
     * them when the time given is 0), drops the counts whose time passed, and returns {live instances, their broadcast
     * streams, their counter streams}.
     * KEYS: the presence hash. ARGV: the instance, its broadcast count, its counter count, how long they hold in ms.
     */
    private static final String PRESENCE_SCRIPT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            if tonumber(ARGV[4]) > 0 then
              redis.call('HSET', KEYS[1], ARGV[1],
                ARGV[2] .. ':' .. ARGV[3] .. ':' .. string.format('%d', now + tonumber(ARGV[4])))
            else
              redis.call('HDEL', KEYS[1], ARGV[1])
            end
            local instances, subscribers, counters = 0, 0, 0
            local all = redis.call('HGETALL', KEYS[1])
            for i = 1, #all, 2 do
              local broadcast, counter, expires = string.match(all[i + 1], '^(%d+):(%d+):(%d+)$')
              if broadcast == nil or tonumber(expires) < now then
                redis.call('HDEL', KEYS[1], all[i])
              else
                instances = instances + 1
                subscribers = subscribers + tonumber(broadcast)
                counters = counters + tonumber(counter)
              end
            end
            return {instances, subscribers, counters}
            """;

    // Lettuce logs reconnect attempts; the servers print their ready and stopped lines only (held: JUL keeps weak refs).
    private static final List<Logger> QUIET = List.of(Logger.getLogger("io.lettuce"), Logger.getLogger("io.netty"),
            Logger.getLogger("reactor"));

    /** A local publish waiting for its event to come back through this instance's reader. */
    private record Pending(CountDownLatch delivered, FanOut fanOut) {
    }

    private final String instance;
    private final String address;
    private final Broadcast broadcast;
    private final Streams streams;
    private final long paceLimitMs;
    private final int streamLength;
    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> commands;
    private final StatefulRedisConnection<String, String> reader;
    private final StatefulRedisPubSubConnection<String, String> notices;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong publishes = new AtomicLong();
    private final AtomicBoolean announce = new AtomicBoolean(true);
    private final AtomicBoolean wake = new AtomicBoolean(); // the presence loop has a refresh to do now
    private final AtomicBoolean up = new AtomicBoolean(true);
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile boolean running = true;
    private volatile int instances = 1;
    private volatile int countersElsewhere; // the counter streams of the other live instances, at the last refresh
    private int toldSubscribers = -1; // the presence thread's: the counts the others were last told of
    private int toldCounters = -1;
    private long lastRead; // the reader thread's own
    private Thread readerThread;
    private volatile Thread presenceThread; // woken from Lettuce's I/O thread and the streams' threads

    private RedisCluster(RedisURI uri, String instance, Broadcast broadcast, Streams streams, long paceLimitMs) {
        this.instance = instance;
        this.streams = streams;
        this.address = uri.getHost() + ":" + uri.getPort();
        this.broadcast = broadcast;
        this.paceLimitMs = paceLimitMs;
        this.streamLength = Math.max(broadcast.capacity(), MIN_STREAM_LENGTH);
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE); // Lettuce logs through Netty's loggers
        Loggers.useJdkLoggers();
        QUIET.forEach(logger -> logger.setLevel(Level.OFF));
        this.resources = ClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(1)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(RETRY_FIRST_MS), Duration.ofMillis(RETRY_MAX_MS), 2,
                        TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS) // fail fast: 503, not a queue
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).build())
                // no expiry writer (its class logs through SLF4J): the sync calls wait at most their connection's timeout
                .timeoutOptions(TimeoutOptions.builder().timeoutCommands(false).build())
                .build());
        try {
            this.commands = client.connect();
            this.reader = client.connect();
            this.notices = client.connectPubSub();
        } catch (RedisException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            resources.shutdown(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("REDIS_URL: no Redis answers at " + address + " (" + rootMessage(e) + ")");
        }
        commands.setTimeout(COMMAND_TIMEOUT);
        notices.setTimeout(COMMAND_TIMEOUT);
        reader.setTimeout(Duration.ofMillis(READ_BLOCK_MS).plus(COMMAND_TIMEOUT)); // its XREAD blocks on purpose
    }

    /**
     * Connects (an unreachable Redis is one clear line naming REDIS_URL), loads the newest events into the local
     * mirror, and starts the reader and the presence refresh.
     */
    static RedisCluster start(RedisURI uri, String instance, Broadcast broadcast, Streams streams, long paceLimitMs) {
        RedisCluster cluster = new RedisCluster(uri, instance, broadcast, streams, paceLimitMs);
        try {
            cluster.loadMirror();
            cluster.notices.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String from) {
                    if (!from.equals(instance)) {
                        cluster.wakePresence(); // only a wake-up: this is Lettuce's I/O thread
                    }
                }
            });
            cluster.notices.sync().subscribe(PRESENCE_CHANGED);
            cluster.refreshPresence();
        } catch (RedisException e) {
            cluster.close();
            throw new IllegalStateException("REDIS_URL: Redis at " + cluster.address + " failed at start ("
                    + rootMessage(e) + ")");
        }
        Runnable countChanged = () -> {
            cluster.announce.set(true);
            cluster.wakePresence();
        };
        broadcast.whenLocalCountChanges(countChanged);
        broadcast.whenAheadAsk(cluster::newestStored);
        streams.whenCountChanges(countChanged); // the counter streams, which the cluster's status counts too
        cluster.readerThread = Thread.ofVirtual().name("redis-reader-" + instance).start(cluster::readLoop);
        cluster.presenceThread = Thread.ofVirtual().name("redis-presence-" + instance).start(cluster::presenceLoop);
        return cluster;
    }

    private void loadMirror() {
        List<StreamMessage<String, String>> newestFirst = commands.sync().xrevrange(EVENTS, Range.create("-", "+"),
                Limit.from(Math.max(1, broadcast.capacity())));
        List<SseMessage.Event> events = new ArrayList<>();
        for (int i = Math.min(newestFirst.size(), broadcast.capacity()) - 1; i >= 0; i--) {
            StreamMessage<String, String> entry = newestFirst.get(i);
            events.add(new SseMessage.Event(Long.toString(idOf(entry)), entry.getBody().get("event"),
                    entry.getBody().get("data")));
        }
        lastRead = newestFirst.isEmpty() ? 0 : idOf(newestFirst.getFirst());
        broadcast.load(events, lastRead);
    }

    /**
     * Stores the event in Redis (its id comes back only once it is stored: otherwise 503, and nothing was
     * published), then waits, up to the pace limit, until this instance's reader has handed it to the local
     * subscribers and those keeping up have written it: the 202 means here what it means in memory.
     */
    Broadcast.Published publish(String eventName, String data) {
        String origin = instance + ":" + publishes.incrementAndGet();
        Pending waiting = new Pending(new CountDownLatch(1), new FanOut());
        pending.put(origin, waiting);
        try {
            long id;
            try {
                id = commands.sync().eval(APPEND, ScriptOutputType.INTEGER, new String[] {LAST_ID, EVENTS},
                        Long.toString(broadcast.lastEventId()), Integer.toString(streamLength), eventName, data, origin);
            } catch (RedisException e) {
                wentDown(e);
                throw new ApiError(503, "The broadcast store (Redis) is unreachable, so nothing was published; "
                        + "try again shortly.", RETRY_AFTER);
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(paceLimitMs);

            try {
                if (waiting.delivered().await(paceLimitMs, TimeUnit.MILLISECONDS)) {
                    waiting.fanOut().await(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Broadcast.Published(id, eventName, broadcast.totalSubscribers());
        } finally {
            pending.remove(origin);
        }
    }

    /**
     * The newest id given out so far (every event up to it is stored), asked without waiting for the answer: a
     * subscriber's replay may depend on it, and a stream's opening must not wait on Redis.
     */
    private CompletionStage<Long> newestStored() {
        try {
            return commands.async().get(LAST_ID).toCompletableFuture()
                    .orTimeout(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .thenApply(newest -> newest == null ? 0L : Long.parseLong(newest));
        } catch (RedisException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The one reader of this instance: every stored event, in id order, from the last it delivered. */
    private void readLoop() {
        long retryMs = RETRY_FIRST_MS;
        while (running) {
            try {
                List<StreamMessage<String, String>> entries = reader.sync().xread(
                        XReadArgs.Builder.block(READ_BLOCK_MS).count(1000),
                        XReadArgs.StreamOffset.from(EVENTS, lastRead + "-0"));
                cameBack();
                retryMs = RETRY_FIRST_MS;
                for (StreamMessage<String, String> entry : entries) {
                    deliver(entry);
                }
            } catch (RedisException e) {
                if (!running) {
                    return;
                }
                wentDown(e);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(retryMs));
                retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
            }
        }
    }

    private void deliver(StreamMessage<String, String> entry) {
        long id = idOf(entry);
        if (id <= lastRead) {
            return;
        }
        Map<String, String> body = entry.getBody();
        Pending waiting = pending.get(body.getOrDefault("origin", ""));
        broadcast.deliver(id, body.get("event"), body.get("data"), waiting == null ? null : waiting.fanOut());
        lastRead = id;
        if (waiting != null) {
            waiting.delivered().countDown();
        }
    }

    /** Every second, and at once when this instance's count changed or another instance says its count did. */
    private void presenceLoop() {
        while (running) {
            // A flag, not the park permit alone: the refresh's own Redis calls park this thread too, and may use up
            // an unpark meant for the loop (a count changed during a refresh would wait for the next second).
            if (!wake.getAndSet(false)) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(PRESENCE_REFRESH_MS));
                wake.set(false); // the refresh below covers every wake-up until now
            }
            if (!running) {
                return;
            }
            try {
                refreshPresence();
            } catch (RedisException e) {
                if (running) {
                    wentDown(e);
                }
            }
        }
    }

    private void refreshPresence() {
        boolean changed = announce.getAndSet(false);
        int local = broadcast.subscribers();
        int localCounters = streams.count(SseStream.Kind.COUNTER);
        try {
            List<Long> totals = commands.sync().eval(PRESENCE_SCRIPT, ScriptOutputType.MULTI, new String[] {PRESENCE},
                    instance, Integer.toString(local), Integer.toString(localCounters),
                    Long.toString(PRESENCE_EXPIRY_MS));
            instances = totals.get(0).intValue();
            broadcast.subscribersElsewhere(Math.max(0, totals.get(1).intValue() - local));
            countersElsewhere = Math.max(0, totals.get(2).intValue() - localCounters);
            // Told by the count's listeners, or seen here: a count read just before its change is told next time.
            if (changed || local != toldSubscribers || localCounters != toldCounters) {
                commands.sync().publish(PRESENCE_CHANGED, instance);
                toldSubscribers = local;
                toldCounters = localCounters;
            }
        } catch (RedisException e) {
            announce.compareAndSet(false, changed); // tell the others once Redis is back
            throw e;
        }
        cameBack();
    }

    private void wakePresence() {
        wake.set(true);
        Thread thread = presenceThread;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }

    private void wentDown(RedisException e) {
        if (up.compareAndSet(true, false)) {
            System.err.println(instance + ": Redis at " + address + " is unreachable (" + rootMessage(e)
                    + "): publishes are refused with 503 until it is back");
        }
    }

    private void cameBack() {
        if (up.compareAndSet(false, true)) {
            System.err.println(instance + ": Redis at " + address + " is back");
        }
    }

    /** The {@code cluster} object of /api/status, given this instance's own counter streams (counted once there). */
    Map<String, Object> status(int localCounters) {
        int subscribers = broadcast.totalSubscribers();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("redis", up.get() ? "up" : "down");
        status.put("instances", instances);
        status.put("subscribers", subscribers);
        status.put("streams", Map.of("counter", localCounters + countersElsewhere, "broadcast", subscribers));
        return status;
    }

    /** Stops the reader and presence and closes the connections; the others stop counting this instance at once. */
    @Override
    public void close() {
        if (!stop()) {
            return;
        }
        try {
            commands.sync().eval(PRESENCE_SCRIPT, ScriptOutputType.MULTI, new String[] {PRESENCE}, instance, "0", "0", "0");
            commands.sync().publish(PRESENCE_CHANGED, instance);
        } catch (RedisException e) {
            // Redis is away: the count expires there by itself
        }
        disconnect();
    }

    /** For tests: this instance dies as a killed process would, without taking its count out of Redis. */
    void dieSilently() {
        if (stop()) {
            disconnect();
        }
    }

    /** False when it was stopped already. */
    private boolean stop() {
        if (!stopped.compareAndSet(false, true)) {
            return false;
        }
        running = false;
        for (Thread thread : new Thread[] {readerThread, presenceThread}) {
            if (thread != null) {
                LockSupport.unpark(thread);
            }
        }
        return true;
    }

    private void disconnect() {
        notices.close();
        reader.close();
        commands.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        resources.shutdown(0, 1, TimeUnit.SECONDS);
        joinQuietly(readerThread);
        joinQuietly(presenceThread);
    }

    private static void joinQuietly(Thread thread) {
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static long idOf(StreamMessage<String, String> entry) {
        String id = entry.getId();
        return Long.parseLong(id.substring(0, id.indexOf('-')));
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
