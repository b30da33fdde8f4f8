package workshop.sse.core.demo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import workshop.sse.core.http.ApiError;
import workshop.sse.core.launch.Settings;
import workshop.sse.core.wire.Outbox;
import workshop.sse.core.wire.SseMessage;
import workshop.sse.core.wire.SseStream;

class SseDemoTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SSE = "text/event-stream";

    private SseDemo demo;

    private SseDemo demo(String... env) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < env.length; i += 2) {
            values.put(env[i], env[i + 1]);
        }
        demo = new SseDemo("test-server", "JUnit on nothing", Settings.fromEnv(values));
        return demo;
    }

    @AfterEach
    void closeDemo() {
        if (demo != null) {
            demo.close();
        }
    }

    private static ApiError refused(int status, Executable action) {
        ApiError e = assertThrows(ApiError.class, action);
        assertEquals(status, e.status(), e.getMessage());
        return e;
    }

    private static SseStream opened(SseDemo.Opening opening) {
        return assertInstanceOf(SseDemo.Opening.Opened.class, opening).stream();
    }

    private static SseMessage.Event nextEvent(SseStream stream) throws InterruptedException {
        SseMessage m = stream.outbox().take(5, TimeUnit.SECONDS);
        assertNotNull(m, "an event should have come");
        return assertInstanceOf(SseMessage.Event.class, m);
    }

    /** Events with an id, skipping presence; waits (bounded) for n of them. */
    private static List<String> nextIds(SseStream stream, int n) throws InterruptedException {
        List<String> ids = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ids.size() < n && System.nanoTime() < deadline) {
            SseMessage m = stream.outbox().take(50, TimeUnit.MILLISECONDS);
            if (m instanceof SseMessage.Event e && e.id() != null) {
                ids.add(e.id());
            }
        }
        return ids;
    }

    /** Messages with an id or a name other than presence, queued now. */
    private static List<String> queuedNonPresence(SseStream stream) {
        List<String> got = new ArrayList<>();
        for (SseMessage m = stream.outbox().poll(); m != null; m = stream.outbox().poll()) {
            if (m instanceof SseMessage.Event e && !e.name().equals("presence")) {
                got.add(e.toString());
            } else if (m instanceof SseMessage.End) {
                got.add("END");
                break;
            }
        }
        return got;
    }

    private static JsonNode status(SseDemo demo) throws IOException {
        return JSON.readTree(demo.statusJson());
    }

    /** The streams open now, counter and broadcast, as GET /api/status tells them. */
    private static int openStreams(SseDemo demo) {
        try {
            JsonNode streams = status(demo).get("streams");
            return streams.get("counter").asInt() + streams.get("broadcast").asInt();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static InputStream body(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    // ---- openCounter

    @Test
    void counterAcceptRuledOutIs406BeforeAnythingElse() {
        SseDemo d = demo("MAX_STREAMS", "1");
        d.openCounter(Requests.counter(false, SSE, null, null, null)); // the only slot is taken
        refused(406, () -> d.openCounter(Requests.counter(false, "application/json", null, "bad", "bad")));
        refused(406, () -> d.openCounter(Requests.counter(false, "application/json", "50", null, "43")));
        refused(406, () -> d.openCounter(Requests.counter(true, "text/event-stream;q=0", null, null, null)));
        refused(406, () -> d.openCounter(Requests.counter(false, "text/html", null, null, null)));
        assertEquals(1, openStreams(d));
    }

    @Test
    void counterBadQueryIs400AndOpensNothing() {
        SseDemo d = demo();
        refused(400, () -> d.openCounter(Requests.counter(false, SSE, null, "10", null)));
        refused(400, () -> d.openCounter(Requests.counter(false, SSE, null, null, "0")));
        refused(400, () -> d.openCounter(Requests.counter(false, null, null, "1e3", null)));
        refused(400, () -> d.openCounter(Requests.counter(true, SSE, null, "abc", null)));
        assertEquals(0, openStreams(d));
    }

    @Test
    void counterWithLastEventIdAtOrPastTheLimitIsFinished() {
        SseDemo d = demo();
        assertInstanceOf(SseDemo.Opening.Finished.class, d.openCounter(Requests.counter(false, SSE, "43", null, "43")));
        assertInstanceOf(SseDemo.Opening.Finished.class, d.openCounter(Requests.counter(false, SSE, "100", "50", "43")));
        assertInstanceOf(SseDemo.Opening.Finished.class, d.openCounter(Requests.counter(true, SSE, "43", null, "43")),
                "HEAD answers what GET would: 204");
        assertEquals(0, openStreams(d));
    }

    @Test
    void counterInvalidLastEventIdCountsAsNone() throws InterruptedException {
        SseDemo d = demo();
        SseStream s = opened(d.openCounter(Requests.counter(false, SSE, "43x", "50", "43")));
        assertEquals("1", nextEvent(s).id());
    }

    @Test
    void counterHeadIsHeadersOnlyAndOpensNoStream() throws IOException {
        SseDemo d = demo();
        assertInstanceOf(SseDemo.Opening.HeadersOnly.class, d.openCounter(Requests.counter(true, SSE, null, null, null)));
        assertInstanceOf(SseDemo.Opening.HeadersOnly.class, d.openCounter(Requests.counter(true, null, "5", "100", "10")));
        assertEquals(0, openStreams(d));
        assertEquals(0, status(d).get("streams").get("counter").asInt());
    }

    @Test
    void counterOpensAndTicksFromOneOrAfterTheLastEventId() throws InterruptedException {
        SseDemo d = demo();
        SseStream fresh = opened(d.openCounter(Requests.counter(false, SSE, null, null, null)));
        assertEquals(SseStream.Kind.COUNTER, fresh.kind());
        SseMessage.Event first = nextEvent(fresh);
        assertEquals("1", first.id());
        assertEquals("tick", first.name());
        SseStream resumed = opened(d.openCounter(Requests.counter(false, "*/*", "41", "50", "43")));
        assertEquals("42", nextEvent(resumed).id());
        assertEquals("43", nextEvent(resumed).id());
        assertSame(SseMessage.END, resumed.outbox().take(5, TimeUnit.SECONDS));
        assertEquals(2, openStreams(d));
    }

    // ---- openBroadcast

    @Test
    void broadcastAcceptRuledOutIs406EvenForHead() {
        SseDemo d = demo();
        refused(406, () -> d.openBroadcast(Requests.broadcast(false, "application/json", null, null)));
        refused(406, () -> d.openBroadcast(Requests.broadcast(true, "*/*;q=0", null, null)));
        assertEquals(0, openStreams(d));
    }

    @Test
    void broadcastHeadIsHeadersOnlyAndSubscribesNobody() throws IOException {
        SseDemo d = demo();
        assertInstanceOf(SseDemo.Opening.HeadersOnly.class, d.openBroadcast(Requests.broadcast(true, SSE, "1", null)));
        assertEquals(0, openStreams(d));
        assertEquals(0, status(d).get("streams").get("broadcast").asInt());
        assertEquals(0, JSON.readTree(d.publish(new PublishRequest(null, "text/plain", 1, null), body("x"))).get("subscribers").asInt());
    }

    @Test
    void broadcastReplaysAfterTheHeaderIdOrElseTheQueryId() throws Exception {
        SseDemo d = demo();
        for (int i = 0; i < 4; i++) {
            d.publish(new PublishRequest(null, "text/plain", -1, null), body("m" + i));
        }
        SseStream byHeader = opened(d.openBroadcast(Requests.broadcast(false, SSE, "2", "0")));
        assertEquals(SseStream.Kind.BROADCAST, byHeader.kind());
        assertEquals(List.of("3", "4"), nextIds(byHeader, 2));
        SseStream byQuery = opened(d.openBroadcast(Requests.broadcast(false, SSE, "two", "1")));
        assertEquals(List.of("2", "3", "4"), nextIds(byQuery, 3));
        SseStream noId = opened(d.openBroadcast(Requests.broadcast(false, SSE, null, "-1")));
        SseMessage.Event presence = nextEvent(noId);
        assertEquals("presence", presence.name());
        assertEquals("{\"subscribers\":3}", presence.data());
    }

    // ---- MAX_STREAMS

    @Test
    void beyondMaxStreamsCounterAndBroadcastTogetherGet503WithRetryAfter() {
        SseDemo d = demo("MAX_STREAMS", "2");
        SseStream counter = opened(d.openCounter(Requests.counter(false, SSE, null, null, null)));
        opened(d.openBroadcast(Requests.broadcast(false, SSE, null, null)));
        ApiError e = refused(503, () -> d.openCounter(Requests.counter(false, SSE, null, null, null)));
        assertTrue(e.headers().containsKey("Retry-After"), e.headers().toString());
        assertTrue(Integer.parseInt(e.headers().get("Retry-After")) > 0);
        refused(503, () -> d.openBroadcast(Requests.broadcast(false, SSE, null, null)));
        assertEquals(2, openStreams(d));
        counter.end(); // its writer finished: the slot is free again
        assertEquals(1, openStreams(d));
        opened(d.openBroadcast(Requests.broadcast(false, SSE, null, null)));
        assertEquals(2, openStreams(d));
    }

    @Test
    void headAndFinishedNeedNoSlot() {
        SseDemo d = demo("MAX_STREAMS", "1");
        opened(d.openBroadcast(Requests.broadcast(false, SSE, null, null)));
        assertInstanceOf(SseDemo.Opening.HeadersOnly.class, d.openBroadcast(Requests.broadcast(true, SSE, null, null)));
        assertInstanceOf(SseDemo.Opening.Finished.class, d.openCounter(Requests.counter(false, SSE, "5", null, "5")));
    }

    // ---- disconnect

    @Test
    void disconnectAllClosesEveryStreamAndCountsThem() throws Exception {
        SseDemo d = demo();
        List<SseStream> streams = List.of(
                opened(d.openCounter(Requests.counter(false, SSE, null, null, null))),
                opened(d.openCounter(Requests.counter(false, SSE, null, null, null))),
                opened(d.openBroadcast(Requests.broadcast(false, SSE, null, null))));
        assertEquals("{\"closed\":3}", d.disconnectAll(null));
        for (SseStream s : streams) {
            assertSame(SseMessage.END, s.outbox().take(5, TimeUnit.SECONDS), "no final event, just the end");
            assertEquals(Outbox.Closing.CLOSED, s.outbox().closing());
            s.end(); // what each writer does once its response is over
        }
        assertEquals(0, openStreams(d));
        assertEquals("{\"closed\":0}", d.disconnectAll("http://localhost:5173"));
    }

    @Test
    void disconnectFromAForeignOriginIs403AndClosesNothing() {
        SseDemo d = demo();
        SseStream s = opened(d.openBroadcast(Requests.broadcast(false, SSE, null, null)));
        refused(403, () -> d.disconnectAll("http://evil.test"));
        assertNull(s.outbox().closing());
        assertEquals(1, openStreams(d));
    }

    @Test
    void disconnectAllEndsEveryStreamAndCountsThem() throws InterruptedException {
        SseDemo d = demo();
        SseStream s = opened(d.openCounter(Requests.counter(false, SSE, null, null, null)));
        assertEquals("{\"closed\":1}", d.disconnectAll(null));
        assertSame(SseMessage.END, s.outbox().take(5, TimeUnit.SECONDS));
    }

    @Test
    void streamEndingAfterShutdownDoesNotThrow() throws Exception {
        SseDemo d = demo();
        SseStream s = opened(d.openBroadcast(Requests.broadcast(false, SSE, null, null)));
        // own presence, then the coalesced round: after it no presence round is pending
        assertEquals("presence", nextEvent(s).name());
        assertEquals("presence", nextEvent(s).name());
        d.close();
        assertSame(SseMessage.END, s.outbox().take(5, TimeUnit.SECONDS));
        assertDoesNotThrow(s::end, "a writer ending its response during shutdown");
        assertTrue(s.isEnded());
        assertEquals(0, openStreams(d));
    }

    // ---- status

    @Test
    void statusJsonHasEveryField() throws Exception {
        SseDemo d = demo("RETRY_MS", "1234", "HEARTBEAT_MS", "5678", "MAX_STREAMS", "9", "HISTORY_SIZE", "2");
        opened(d.openCounter(Requests.counter(false, SSE, null, null, null)));
        opened(d.openBroadcast(Requests.broadcast(false, SSE, null, null)));
        opened(d.openBroadcast(Requests.broadcast(false, SSE, null, null)));
        for (int i = 0; i < 3; i++) {
            d.publish(new PublishRequest(null, "text/plain", -1, null), body("x"));
        }
        JsonNode status = status(d);
        assertEquals("test-server", status.get("server").asText());
        assertEquals("JUnit on nothing", status.get("stack").asText());
        assertEquals(Runtime.version().toString(), status.get("java").asText());
        assertEquals(1, status.get("streams").get("counter").asInt());
        assertEquals(2, status.get("streams").get("broadcast").asInt());
        assertEquals(3, status.get("lastEventId").asLong());
        assertEquals(2, status.get("history").get("size").asInt());
        assertEquals(2, status.get("history").get("capacity").asInt());
        assertEquals(1234, status.get("config").get("retryMs").asInt());
        assertEquals(5678, status.get("config").get("heartbeatMs").asInt());
        assertEquals(9, status.get("config").get("maxStreams").asInt());
        assertTrue(status.get("lastEventId").isIntegralNumber());
    }

    @Test
    void freshStatusIsAllZeroes() throws Exception {
        JsonNode status = status(demo());
        assertEquals(0, status.get("streams").get("counter").asInt());
        assertEquals(0, status.get("streams").get("broadcast").asInt());
        assertEquals(0, status.get("lastEventId").asLong());
        assertEquals(0, status.get("history").get("size").asInt());
        assertEquals(1000, status.get("history").get("capacity").asInt());
    }

    // ---- publish

    @Test
    void publishAnswersIdEventAndSubscribersAndDelivers() throws Exception {
        SseDemo d = demo();
        SseStream s = opened(d.openBroadcast(Requests.broadcast(false, SSE, null, null)));
        assertEquals("{\"id\":1,\"event\":\"message\",\"subscribers\":1}",
                d.publish(new PublishRequest("http://localhost:5173", "text/plain; charset=UTF-8", 5, null), body("hello")));
        assertEquals("{\"id\":2,\"event\":\"chat\",\"subscribers\":1}",
                d.publish(new PublishRequest(null, "application/json", -1, "event=chat"), body("{\"a\":1}")));
        List<SseMessage.Event> events = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (events.size() < 2 && System.nanoTime() < deadline) {
            SseMessage m = s.outbox().take(50, TimeUnit.MILLISECONDS);
            if (m instanceof SseMessage.Event e && e.id() != null) {
                events.add(e);
            }
        }
        assertEquals(2, events.size());
        assertEquals("message", events.get(0).name());
        assertEquals("hello", events.get(0).data());
        assertEquals("chat", events.get(1).name());
        assertEquals("{\"a\":1}", events.get(1).data());
    }

    @Test
    void aPublishFromAnOriginNotAllowedIs403BeforeAnythingElseIsChecked() {
        SseDemo d = demo();
        for (String origin : new String[] {"http://evil.test", "null"}) {
            ApiError e = assertThrows(ApiError.class, () -> d.checkPublish(new PublishRequest(origin, null, 10_000_000, "bad name")));
            assertEquals(403, e.status(), e.getMessage());
        }
        assertEquals("message", d.checkPublish(new PublishRequest("http://localhost:5173", "text/plain", 10, null)).eventName());
        assertEquals("message", d.checkPublish(new PublishRequest(null, "text/plain", 10, null)).eventName());
    }

    @Test
    void twoStepPublishChecksTheHeadThenTheWholeBody() throws Exception {
        SseDemo d = demo();
        Publication.Head head = d.checkPublish(new PublishRequest(null, "application/json", -1, "event=chat"));
        assertEquals("{\"id\":1,\"event\":\"chat\",\"subscribers\":0}", d.publish(head, "[1]".getBytes(UTF_8)));
        assertEquals(415, assertThrows(ApiError.class, () -> d.checkPublish(new PublishRequest(null, "text/html", 1, null))).status());
        assertEquals(413, assertThrows(ApiError.class, () -> d.publish(head, new byte[65_537])).status());
        assertEquals(400, assertThrows(ApiError.class, () -> d.publish(head, "[1".getBytes(UTF_8))).status());
        assertEquals(1, status(d).get("lastEventId").asLong());
    }

    @Test
    void refusedPublishChangesNothing() throws Exception {
        SseDemo d = demo();
        d.publish(new PublishRequest(null, "text/plain", -1, null), body("first"));
        SseStream s = opened(d.openBroadcast(Requests.broadcast(false, SSE, null, null)));
        byte[] invalidUtf8 = {(byte) 0xC3, (byte) 0x28};
        List<Executable> refusals = List.of(
                () -> d.publish(new PublishRequest("http://evil.test", "text/plain", 1, null), body("x")),
                () -> d.publish(new PublishRequest(null, "text/plain", 65_537, null), body("x")),
                () -> d.publish(new PublishRequest(null, "text/plain", -1, null), new ByteArrayInputStream(new byte[70_000])),
                () -> d.publish(new PublishRequest(null, null, 1, null), body("x")),
                () -> d.publish(new PublishRequest(null, "text/html", 1, null), body("x")),
                () -> d.publish(new PublishRequest(null, "text/plain; charset=latin1", 1, null), body("x")),
                () -> d.publish(new PublishRequest(null, "text/plain", 1, "event="), body("x")),
                () -> d.publish(new PublishRequest(null, "text/plain", 1, "event"), body("x")),
                () -> d.publish(new PublishRequest(null, "text/plain", 1, "event=a&event=b"), body("x")),
                () -> d.publish(new PublishRequest(null, "text/plain", 1, "event=bad+name"), body("x")),
                () -> d.publish(new PublishRequest(null, "text/plain", 0, null), body("")),
                () -> d.publish(new PublishRequest(null, "text/plain", 2, null), new ByteArrayInputStream(invalidUtf8)),
                () -> d.publish(new PublishRequest(null, "application/json", 4, null), body("{} x")),
                () -> d.publish(new PublishRequest(null, "application/json", 1, null), body(" ")));
        for (Executable refusal : refusals) {
            assertThrows(ApiError.class, refusal);
        }
        assertEquals(1, status(d).get("lastEventId").asLong());
        assertEquals(1, status(d).get("history").get("size").asInt());
        assertEquals(List.of(), queuedNonPresence(s), "no subscriber received anything");
    }

    // ---- framing helpers

    @Test
    void retryFrameUsesRetryMs() {
        assertEquals("retry: 2500\n\n", demo("RETRY_MS", "2500").retryFrame());
    }

    @Test
    void streamHeadersForbidCachingAndBuffering() {
        assertEquals("no-cache", SseDemo.STREAM_HEADERS.get("Cache-Control"));
        assertEquals("no", SseDemo.STREAM_HEADERS.get("X-Accel-Buffering"));
        assertTrue(SseDemo.STREAM_HEADERS.get("Content-Type").startsWith("text/event-stream"));
        assertTrue(SseDemo.STREAM_HEADERS.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("Content-Length")
                || h.equalsIgnoreCase("Content-Encoding")));
    }

    @Test
    void settingsAndCrossOriginComeFromTheSettings() {
        SseDemo d = demo("ALLOWED_ORIGINS", "https://workshop.example");
        assertEquals("https://workshop.example", d.settings().allowedOrigins().toString());
        assertEquals("https://workshop.example",
                d.crossOrigin().headersFor("https://workshop.example").get("Access-Control-Allow-Origin"));
        refused(403, () -> d.publish(new PublishRequest("http://localhost:5173", "text/plain", 1, null), body("x")));
    }

    @Test
    void aSilentStreamGetsAHeartbeatWithinEveryHeartbeatPeriodAndABusyOneNone() throws Exception {
        SseDemo demo = demo("HEARTBEAT_MS", "200");
        SseStream silent = opened(demo.openCounter(Requests.counter(false, SSE, null, "60000", null)));
        SseStream busy = opened(demo.openCounter(Requests.counter(false, SSE, null, "50", null)));
        long last = System.nanoTime();
        long worstGapMs = 0;
        int heartbeats = 0;
        while (heartbeats < 5) {
            SseMessage message = silent.outbox().take(2, TimeUnit.SECONDS);
            if (message == SseMessage.HEARTBEAT) {
                heartbeats++;
                worstGapMs = Math.max(worstGapMs, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - last));
            }
            assertTrue(message != null, "nothing for 2 s: no heartbeat came");
            silent.outbox().sent();
            last = System.nanoTime();
            for (SseMessage m = busy.outbox().poll(); m != null; m = busy.outbox().poll()) {
                assertTrue(m instanceof SseMessage.Event, "a stream that ticks every 50 ms got " + m);
                busy.outbox().sent();
            }
        }
        assertTrue(worstGapMs <= 200 + 50, "a heartbeat came " + worstGapMs + " ms after the last write (HEARTBEAT_MS 200)");
    }
}
