package workshop.sse.core.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import workshop.sse.core.http.ApiError;
import workshop.sse.core.launch.Settings;
import workshop.sse.core.wire.SseMessage;
import workshop.sse.core.wire.SseStream;

/** SPEC section 11: two instances in one JVM sharing one real redis-server, driven as the servers drive SseDemo. */
class RedisClusterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PRESENCE = Pattern.compile("\\{\"subscribers\":(\\d+)}");

    private RedisServer redis;
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisServer.start();
    }

    @AfterEach
    void stopEverything() throws Exception {
        while (!toClose.isEmpty()) {
            toClose.removeLast().close();
        }
        redis.close();
    }

    private SseDemo instance(String... env) {
        return instanceAt(redis.url(), env);
    }

    private SseDemo instanceAt(String redisUrl, String... env) {
        Map<String, String> values = new HashMap<>(Map.of("REDIS_URL", redisUrl, "HEARTBEAT_MS", "2000"));
        for (int i = 0; i < env.length; i += 2) {
            values.put(env[i], env[i + 1]);
        }
        SseDemo demo = new SseDemo("test", "JUnit", Settings.fromEnv(values));
        toClose.add(demo);
        return demo;
    }

    /** A broadcast subscriber with a writer of its own, as a server gives each stream: it takes and reports sent. */
    private final class Subscriber implements AutoCloseable {
        final SseStream stream;
        final List<SseMessage.Event> events = Collections.synchronizedList(new ArrayList<>());
        volatile int presence = -1;
        volatile boolean ended;
        private final Thread writer;

        Subscriber(SseDemo demo, String lastEventId) {
            stream = assertInstanceOf(SseDemo.Opening.Opened.class,
                    demo.openBroadcast(Requests.broadcast(false, "text/event-stream", lastEventId, null))).stream();
            writer = Thread.ofVirtual().start(this::write);
            toClose.add(this);
        }

        private void write() {
            try {
                while (true) {
                    SseMessage m = stream.outbox().take();
                    if (m instanceof SseMessage.End) {
                        ended = true;
                        return;
                    }
                    if (m instanceof SseMessage.Event e && "presence".equals(e.name())) {
                        Matcher count = PRESENCE.matcher(e.data());
                        assertTrue(count.matches(), e.data());
                        presence = Integer.parseInt(count.group(1));
                    } else if (m instanceof SseMessage.Event e) {
                        events.add(e);
                    }
                    stream.outbox().sent();
                }
            } catch (InterruptedException e) {
                ended = true;
            }
        }

        /** Ids and names as they came ("gap" for a gap signal, which has no id). */
        List<String> ids() {
            synchronized (events) {
                return events.stream().map(e -> e.id() == null ? e.name() + e.data() : e.id()).toList();
            }
        }

        List<String> awaitIds(int n) throws InterruptedException {
            await(() -> events.size() >= n, 10_000, "events to " + n + ", got " + ids());
            return ids();
        }

        @Override
        public void close() throws InterruptedException {
            stream.outbox().close();
            stream.end();
            writer.join(2000);
        }
    }

    private static long publish(SseDemo demo, String data) throws IOException {
        String answer = demo.publish(new PublishRequest(null, "text/plain", -1, null),
                new ByteArrayInputStream(data.getBytes(StandardCharsets.UTF_8)));
        return JSON.readTree(answer).get("id").asLong();
    }

    private static JsonNode status(SseDemo demo) throws IOException {
        return JSON.readTree(demo.statusJson());
    }

    private static long lastEventId(SseDemo demo) {
        try {
            return status(demo).get("lastEventId").asLong();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode cluster(SseDemo demo) {
        try {
            return status(demo).get("cluster");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void await(BooleanSupplier condition, long millis, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + millis + " ms for " + what);
            }
            Thread.sleep(10);
        }
    }

    private static List<String> range(long from, long to) {
        return LongStream.rangeClosed(from, to).mapToObj(Long::toString).toList();
    }

    @Test
    void everySubscriberOfBothInstancesSeesEveryPublishOnceInOneOrder() throws Exception {
        SseDemo a = instance();
        SseDemo b = instance();
        Subscriber onA1 = new Subscriber(a, null);
        Subscriber onA2 = new Subscriber(a, null);
        Subscriber onB = new Subscriber(b, null);
        List<Long> accepted = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService publishers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> loops = new ArrayList<>();
            for (SseDemo to : List.of(a, b)) {
                loops.add(publishers.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        accepted.add(publish(to, "from " + to.statusJson().hashCode() + " #" + i));
                    }
                    return null;
                }));
            }
            for (Future<?> loop : loops) {
                loop.get(30, TimeUnit.SECONDS);
            }
        }
        List<String> all = range(1, 50);
        assertEquals(all, accepted.stream().sorted().map(Object::toString).toList(), "ids given by the 202s");
        assertEquals(all, onA1.awaitIds(50));
        assertEquals(all, onA2.awaitIds(50));
        assertEquals(all, onB.awaitIds(50));
        assertEquals(onA1.events.stream().map(SseMessage.Event::data).toList(),
                onB.events.stream().map(SseMessage.Event::data).toList(), "the same data under the same ids");
        assertEquals(50, status(a).get("lastEventId").asLong());
        assertEquals(50, status(b).get("lastEventId").asLong());
        await(() -> cluster(a).get("subscribers").asInt() == 3 && cluster(b).get("instances").asInt() == 2,
                3000, "both instances to count 3 subscribers on 2 instances");
    }

    @Test
    void aSubscriberResumesOnTheOtherInstanceWithNothingLostOrDoubled() throws Exception {
        SseDemo a = instance("HISTORY_SIZE", "5");
        SseDemo b = instance("HISTORY_SIZE", "5");
        Subscriber onA = new Subscriber(a, null);
        for (int i = 1; i <= 3; i++) {
            publish(a, "e" + i);
        }
        assertEquals(range(1, 3), onA.awaitIds(3));
        onA.close(); // it had 1 to 3 when it lost A, and comes back to B with Last-Event-ID 2 (say 3 was cut off)
        Subscriber onB = new Subscriber(b, "2");
        publish(a, "e4");
        publish(b, "e5");
        assertEquals(range(3, 5), onB.awaitIds(3));
        for (int i = 6; i <= 12; i++) {
            publish(i % 2 == 0 ? a : b, "e" + i);
        }
        assertEquals(range(3, 12), onB.awaitIds(10));

        Subscriber late = new Subscriber(b, "3"); // B keeps 8 to 12: 4 to 7 are gone
        List<String> expected = new ArrayList<>(List.of("gap{\"missed\":4}"));
        expected.addAll(range(8, 12));
        assertEquals(expected, late.awaitIds(6));
        Subscriber lateOnA = new Subscriber(a, "3");
        assertEquals(expected, lateOnA.awaitIds(6), "A's history is the same as B's");
        assertEquals(5, status(b).get("history").get("size").asInt());
    }

    @Test
    void aSubscriberResumingOnAnInstanceThatHasNotReadItsIdYetGetsNothingTwice() throws Exception {
        SseDemo a = instance();
        HeldAnswers slowLink = new HeldAnswers(redis.url());
        toClose.add(slowLink);
        SseDemo b = instanceAt(slowLink.url());
        publish(a, "e1");
        await(() -> lastEventId(b) == 1, 5000, "B to read event 1");
        slowLink.hold(); // B reads 2 and 3 only after the subscriber below, who had them from A, has come back to B
        publish(a, "e2");
        publish(a, "e3");
        Subscriber onB = new Subscriber(b, "2");
        Thread.sleep(200);
        assertEquals(1, lastEventId(b), "B read event 2 through the held link");
        slowLink.release();
        publish(b, "e4");
        assertEquals(range(3, 4), onB.awaitIds(2));
        Thread.sleep(200);
        assertEquals(range(3, 4), onB.ids(), "nothing more");
    }

    @Test
    void redisKilledAndRestartedMidLoopLosesNoAcceptedPublishAndClosesNoStream() throws Exception {
        SseDemo a = instance();
        SseDemo b = instance();
        Subscriber onA = new Subscriber(a, null);
        Subscriber onB = new Subscriber(b, null);
        List<Long> accepted = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < 10; i++) {
            accepted.add(publish(i % 2 == 0 ? a : b, "before " + i));
        }
        onB.awaitIds(10); // both have read all the server stored: a crash now loses nothing yet unread
        onA.awaitIds(10);
        redis.kill();
        for (int i = 0; i < 6; i++) {
            SseDemo to = i % 2 == 0 ? a : b;
            ApiError error = assertThrows(ApiError.class, () -> publish(to, "while down"));
            assertEquals(503, error.status(), error.getMessage());
            assertTrue(error.headers().containsKey("Retry-After"), "503 without Retry-After");
            refused++;
        }
        assertEquals("down", cluster(a).get("redis").asText());
        assertEquals("down", cluster(b).get("redis").asText());
        assertFalse(onA.ended || onB.ended, "a stream closed while Redis was away");
        assertTrue(status(a).get("streams").get("broadcast").asInt() == 1);

        redis.restart(); // empty: it kept nothing
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int i = 0; accepted.size() < 30; i++) {
            try {
                accepted.add(publish(i % 2 == 0 ? a : b, "after " + i));
            } catch (ApiError e) {
                assertEquals(503, e.status());
                assertTrue(System.nanoTime() < deadline, "Redis came back, publishes did not");
                refused++;
                Thread.sleep(50);
            }
        }
        assertEquals(range(1, 30), accepted.stream().map(Object::toString).toList(), "ids go on after the restart");
        assertEquals(range(1, 30), onA.awaitIds(30));
        assertEquals(range(1, 30), onB.awaitIds(30));
        await(() -> cluster(a).get("redis").asText().equals("up") && cluster(b).get("redis").asText().equals("up"),
                3000, "status to say up again");
        assertTrue(refused >= 6);
        assertFalse(onA.ended || onB.ended);
    }

    @Test
    void anInstanceThatDiesStopsBeingCountedWithinSeconds() throws Exception {
        SseDemo a = instance();
        SseDemo b = instance();
        Subscriber onA = new Subscriber(a, null);
        new Subscriber(b, null);
        await(() -> onA.presence == 2, 3000, "A's subscriber to hear of B's");
        long joined = System.nanoTime();
        new Subscriber(b, null);
        await(() -> onA.presence == 3, 1000, "A's subscriber to hear of B's second promptly, got " + onA.presence);
        long promptMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - joined);
        assertEquals(2, cluster(a).get("instances").asInt());

        b.dieWithoutTelling();
        long died = System.nanoTime();
        await(() -> onA.presence == 1 && cluster(a).get("instances").asInt() == 1
                && cluster(a).get("subscribers").asInt() == 1, 5000, "A to stop counting the dead B");
        long droppedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - died);
        assertTrue(droppedMs >= 2000, "dropped after " + droppedMs + " ms: before its count could have expired?");
        System.out.println("presence reached the other instance in " + promptMs + " ms; a dead one was dropped after "
                + droppedMs + " ms");
    }

    @Test
    void anUnreachableRedisIsOneLineNamingTheSettingAndTheAddress() throws Exception {
        int port = RedisServer.freePort();
        Settings settings = Settings.fromEnv(Map.of("REDIS_URL", "redis://127.0.0.1:" + port));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new SseDemo("test", "JUnit", settings));
        assertTrue(e.getMessage().startsWith("REDIS_URL: ") && e.getMessage().contains("127.0.0.1:" + port),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void aMalformedRedisUrlIsABadSetting() {
        for (String url : List.of("http://127.0.0.1:6379", "redis://127.0.0.1:port", "127.0.0.1:6379", "redis://")) {
            Settings.BadSetting e = assertThrows(Settings.BadSetting.class,
                    () -> Settings.fromEnv(Map.of("REDIS_URL", url)), url);
            assertTrue(e.getMessage().startsWith("REDIS_URL "), e.getMessage());
        }
        assertEquals(null, Settings.fromEnv(Map.of()).redis());
    }

    @Test
    void inMemoryTheStatusNamesTheInstanceAndHasNoCluster() throws Exception {
        SseDemo one = new SseDemo("test", "JUnit", Settings.defaults());
        SseDemo two = new SseDemo("test", "JUnit", Settings.defaults());
        toClose.add(one);
        toClose.add(two);
        JsonNode status = status(one);
        assertTrue(status.has("cluster") && status.get("cluster").isNull(), status.toString());
        assertTrue(status.get("instance").asText().matches("test-[0-9a-f]{4}"), status.toString());
        assertFalse(status.get("instance").asText().equals(status(two).get("instance").asText()));
    }
}
