package workshop.sse.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static workshop.sse.tck.CheckHelpers.eventName;
import static workshop.sse.tck.Eventually.eventually;
import static workshop.sse.tck.TckBase.kitSettings;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;


import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SPEC "POST /api/disconnect" and "GET /api/status". */
public interface DisconnectAndStatusChecks extends TckContext {

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    private JsonNode disconnect() throws IOException {
        RawResponse response = post("/api/disconnect", null, new byte[0]);
        assertEquals(200, response.status(), () -> "POST /api/disconnect: " + response.describe());
        return response.json();
    }

    @Test
    @DisplayName("7.1 POST /api/disconnect: closes every open stream (counter and broadcast) without a final event and"
            + " answers 200 {\"closed\":<k>}")
    default void disconnectClosesEveryStream() throws IOException {
        assumeOneInstance("7.1");
        awaitNoOpenStreams();
        List<RawSseStream> streams = new ArrayList<>();
        try {
            for (String target : List.of(COUNTER_IDLE, COUNTER_IDLE, BROADCAST, BROADCAST)) {
                RawSseStream stream = openStream(target);
                streams.add(stream);
                assertEquals(200, stream.status(), () -> target + ": " + stream.head().describe());
                expectRetryFrame(stream, RawHttp.ANSWER);
                stream.nextEvent(RawHttp.ANSWER); // the first tick, or own presence
            }
            // both broadcast subscribers have heard of each other: no presence is still on its way
            awaitLastPresence(streams.get(2), 2, RawHttp.ANSWER);
            awaitLastPresence(streams.get(3), 2, RawHttp.ANSWER);
            eventually(RawHttp.ANSWER, () -> assertEquals(4, openStreams(), "open streams in /api/status"));

            JsonNode answer = disconnect();
            assertEquals(JSON.readTree("{\"closed\":4}"), answer, "answer with four streams open");
            for (RawSseStream stream : streams) {
                List<SseFrame> last = stream.readToEnd(RawHttp.ANSWER);
                last.stream().filter(SseFrame::isEvent).findFirst().ifPresent(frame ->
                        fail("a stream got an event before being closed by /api/disconnect: " + frame.describe()));
            }
            eventually(RawHttp.ANSWER, () -> assertEquals(0, openStreams(), "open streams after /api/disconnect"));
            assertEquals(JSON.readTree("{\"closed\":0}"), disconnect(), "answer with no stream open");
        } finally {
            streams.forEach(RawSseStream::close);
        }
    }

    @Test
    @DisplayName("7.1, 4.4 POST /api/disconnect: a counter client reconnects after retry ms with Last-Event-ID and resumes")
    default void counterClientResumes() throws IOException {
        assumeOneInstance("7.1");
        String lastId;
        try (EventStream stream = events("/api/counter?interval=100")) {
            stream.next(RawHttp.ANSWER);
            lastId = stream.next(RawHttp.ANSWER).id();
            disconnect();
            List<EventStream.Event> late = stream.awaitEnd(RawHttp.ANSWER);
            if (!late.isEmpty()) {
                lastId = late.get(late.size() - 1).id(); // a tick may have raced the disconnect
            }
        }
        Eventually.sleep(ms(config().retryMs())); // as EventSource waits before reconnecting
        String resumeAfter = lastId;
        try (EventStream again = events("/api/counter?interval=100", Map.of("Last-Event-ID", resumeAfter))) {
            EventStream.Event first = again.next(RawHttp.ANSWER);
            assertEquals(String.valueOf(Long.parseLong(resumeAfter) + 1), first.id(),
                    () -> "first tick after reconnecting with Last-Event-ID: " + resumeAfter + ": " + first.describe());
        }
    }

    @Test
    @DisplayName("7.1, 5.2 POST /api/disconnect: a broadcast client reconnects after retry ms with Last-Event-ID and gets what"
            + " it missed, then live events")
    default void broadcastClientResumes() throws IOException {
        assumeOneInstance("7.1");
        assumeHistoryOf(3);
        String name = eventName("resume");
        long seen;
        try (EventStream stream = events(BROADCAST)) {
            stream.next(event -> "presence".equals(event.type()), RawHttp.ANSWER);
            seen = publish(name, "before");
            assertEquals(String.valueOf(seen), stream.next(event -> name.equals(event.type()), RawHttp.ANSWER).id());
            disconnect();
            stream.awaitEnd(RawHttp.ANSWER);
        }
        long missed = publish(name, "while away");
        Eventually.sleep(ms(config().retryMs()));
        try (EventStream again = events(BROADCAST, Map.of("Last-Event-ID", String.valueOf(seen)))) {
            EventStream.Event first = again.next(RawHttp.ANSWER);
            assertEquals(String.valueOf(missed), first.id(), () -> "the replay after reconnecting: " + first.describe());
            assertEquals("while away", first.data(), first::describe);
            again.next(event -> "presence".equals(event.type()), RawHttp.ANSWER);
            long live = publish(name, "after");
            assertEquals(String.valueOf(live), again.next(event -> name.equals(event.type()), RawHttp.ANSWER).id());
        }
    }

    @Test
    @DisplayName("8.1 GET /api/status: JSON with server, stack, java, streams {counter, broadcast}, lastEventId,"
            + " history {size, capacity}, config {retryMs, heartbeatMs, maxStreams}")
    default void statusHasItsFields() throws IOException {
        RawResponse response = request("GET", "/api/status");
        assertEquals(200, response.status(), response::describe);
        String contentType = response.header("Content-Type");
        assertTrue(String.valueOf(contentType).toLowerCase(Locale.ROOT).startsWith("application/json"),
                () -> "Content-Type " + contentType);
        JsonNode status = response.json();
        List<String> wrong = new ArrayList<>();
        text(status, "server", true, wrong);
        text(status, "stack", true, wrong);
        text(status, "java", false, wrong); // a server not on the JVM may omit it
        number(status, "streams", "counter", 0, wrong);
        number(status, "streams", "broadcast", 0, wrong);
        number(status, null, "lastEventId", 0, wrong);
        number(status, "history", "size", 0, wrong);
        number(status, "history", "capacity", 0, wrong); // HISTORY_SIZE=0 keeps no history (SPEC 1.1, 8.2)
        number(status, "config", "retryMs", 1, wrong);
        number(status, "config", "heartbeatMs", 1, wrong);
        number(status, "config", "maxStreams", 1, wrong);
        assertEquals(List.of(), wrong, () -> "GET /api/status: " + status);
        assertTrue(status.path("history").path("size").asLong() <= status.path("history").path("capacity").asLong(),
                () -> "history.size may not exceed history.capacity: " + status);
    }

    private static void text(JsonNode status, String field, boolean required, List<String> wrong) {
        JsonNode value = status.get(field);
        if (value == null && !required) {
            return;
        }
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            wrong.add(field + " must be a non-empty string");
        }
    }

    private static void number(JsonNode status, String object, String field, long min, List<String> wrong) {
        JsonNode value = object == null ? status.get(field) : status.path(object).get(field);
        String name = object == null ? field : object + "." + field;
        if (value == null || !value.isIntegralNumber() || value.asLong() < min) {
            wrong.add(name + " must be an integer >= " + min);
        }
    }

    @Test
    @DisplayName("8.2 GET /api/status: config and history.capacity are the settings the server was started with")
    default void statusReportsTheSettings() throws IOException {
        Assumptions.assumeTrue(runsWithKitSettings(), "the kit did not start this server, so it does not know its"
                + " settings (the other checks use what /api/status says)");
        Map<String, String> settings = kitSettings();
        JsonNode status = status();
        assertEquals(settings.get("RETRY_MS"), status.path("config").path("retryMs").asText(), "config.retryMs");
        assertEquals(settings.get("HEARTBEAT_MS"), status.path("config").path("heartbeatMs").asText(),
                "config.heartbeatMs");
        assertEquals(settings.get("MAX_STREAMS"), status.path("config").path("maxStreams").asText(),
                "config.maxStreams");
        assertEquals(settings.get("HISTORY_SIZE"), status.path("history").path("capacity").asText(),
                "history.capacity");
    }

    @Test
    @DisplayName("8.3 GET /api/status: streams counts the open counter and broadcast streams")
    default void statusCountsOpenStreams() throws IOException {
        assumeOneInstance("8.3");
        awaitNoOpenStreams();
        try (RawSseStream counter1 = openStream(COUNTER_IDLE);
             RawSseStream counter2 = openStream(COUNTER_IDLE);
             RawSseStream broadcast = openStream(BROADCAST)) {
            for (RawSseStream stream : List.of(counter1, counter2, broadcast)) {
                expectRetryFrame(stream, RawHttp.ANSWER);
            }
            eventually(RawHttp.ANSWER, () -> {
                JsonNode streams = status().path("streams");
                assertEquals(2, streams.path("counter").asInt(), "streams.counter with two open: " + streams);
                assertEquals(1, streams.path("broadcast").asInt(), "streams.broadcast with one open: " + streams);
            });
            counter1.abort();
            broadcast.abort();
            eventually(closeNoticeBound(), () -> {
                JsonNode streams = status().path("streams");
                assertEquals(1, streams.path("counter").asInt(), "streams.counter after one closed: " + streams);
                assertEquals(0, streams.path("broadcast").asInt(), "streams.broadcast after it closed: " + streams);
            });
        }
    }

    @Test
    @DisplayName("8.2 GET /api/status: lastEventId is the id of the last publish; history.size grows up to capacity")
    default void statusFollowsPublishes() throws IOException {
        JsonNode before = status().path("history");
        long id = publish(eventName("status"), "counted");
        JsonNode after = status();
        assertEquals(id, after.path("lastEventId").asLong(), "lastEventId after a publish");
        long expectedSize = Math.min(before.path("size").asLong() + 1, before.path("capacity").asLong());
        assertEquals(expectedSize, after.path("history").path("size").asLong(), "history.size after a publish");
    }

    @Test
    @DisplayName("8.4 GET /api/status: runtime {threads, peakThreads, heapUsedBytes, rssBytes, cpuSeconds, openFds,"
            + " uptimeMs}, each a non-negative number or null (uptimeMs never), integers but cpuSeconds,"
            + " peakThreads >= threads")
    default void statusHasRuntimeFigures() throws IOException {
        JsonNode runtime = runtime();
        List<String> wrong = new ArrayList<>();
        for (String name : List.of("threads", "peakThreads", "heapUsedBytes", "rssBytes", "cpuSeconds",
                "openFds", "uptimeMs")) {
            JsonNode value = runtime.get(name);
            if (value == null) {
                wrong.add("runtime." + name + " is missing (give null when the platform cannot tell it)");
            } else if (value.isNull()) {
                if (name.equals("uptimeMs")) {
                    wrong.add("runtime.uptimeMs is null: every server can tell how long it has been running");
                }
            } else if (!value.isNumber() || value.asDouble() < 0) {
                wrong.add("runtime." + name + " must be a non-negative number or null, was " + value);
            } else if (!value.isIntegralNumber() && !name.equals("cpuSeconds")) {
                wrong.add("runtime." + name + " must be an integer (only cpuSeconds may be fractional), was " + value);
            }
        }
        assertEquals(List.of(), wrong, () -> "GET /api/status: " + runtime);
        Long threads = figure(runtime, "threads");
        Long peak = figure(runtime, "peakThreads");
        assertTrue(threads == null || peak == null || peak >= threads, () -> "runtime.peakThreads (" + peak
                + ") is below runtime.threads (" + threads + "): the peak is the most threads ever live, so at"
                + " least as many as are live now: " + runtime);
    }

    @Test
    @DisplayName("8.4 GET /api/status: runtime is read fresh: a second later uptimeMs grew by about that second,"
            + " and cpuSeconds and peakThreads did not decrease")
    default void runtimeFiguresAreLive() throws IOException {
        assumeOneInstance("8.4");
        long firstSent = System.nanoTime();
        JsonNode first = runtime();
        long firstAnswered = System.nanoTime();
        Eventually.sleep(Duration.ofSeconds(1));
        long secondSent = System.nanoTime();
        JsonNode second = runtime();
        long secondAnswered = System.nanoTime();

        Long uptime1 = figure(first, "uptimeMs");
        Long uptime2 = figure(second, "uptimeMs");
        assertTrue(uptime1 != null && uptime2 != null, () -> "runtime.uptimeMs must be a number: " + second);
        // the server read each between the kit's request and its answer; the slack is for clocks and rounding
        long slack = 100;
        long atLeast = (secondSent - firstAnswered) / 1_000_000 - slack;
        long atMost = (secondAnswered - firstSent) / 1_000_000 + slack;
        long grew = uptime2 - uptime1;
        assertTrue(grew >= atLeast && grew <= atMost, () -> "runtime.uptimeMs grew by " + grew + " ms between two"
                + " reads " + (secondSent - firstAnswered) / 1_000_000 + " to " + (secondAnswered - firstSent)
                / 1_000_000 + " ms apart (expected " + atLeast + " to " + atMost + " ms): read it from the process's"
                + " clock on every request, not once (first " + first + ", then " + second + ")");
        for (String name : List.of("cpuSeconds", "peakThreads")) {
            double before = first.path(name).asDouble(0);
            double after = second.path(name).asDouble(0);
            assertTrue(after >= before, () -> "runtime." + name + " went down from " + before + " to " + after
                    + " a second later: it counts from the process's start and never decreases");
        }
    }

    @Test
    @DisplayName("8.4 GET /api/status: runtime.openFds counts the open streams: it falls by at least one for each"
            + " stream once their clients closed them, back to where it was")
    default void openFdsCountStreams() throws IOException {
        assumeOneInstance("8.4");
        assumeHttp11("the streams share one connection, so a stream's end frees no descriptor");
        int opened = 6; // few enough for the kit's MAX_STREAMS, enough to stand out of what comes and goes
        awaitNoOpenStreams();
        awaitRoomForStreams(opened);
        Assumptions.assumeTrue(figure(runtime(), "openFds") != null, "the server reports no number in"
                + " runtime.openFds (null is allowed where the platform cannot count its open descriptors); report"
                + " the count to run this check");
        // From here on no request leaves a connection open (REST Assured's linger until a GC closes them), so what
        // else moves openFds meanwhile is such a GC: a fall, which cannot fail a check that asks for a fall.
        long before = openFds();
        List<RawSseStream> streams = new ArrayList<>();
        try {
            for (int i = 0; i < opened; i++) {
                RawSseStream stream = openStreamNow(COUNTER_IDLE);
                streams.add(stream);
                expectRetryFrame(stream, RawHttp.ANSWER);
            }
            long with = openFds();
            streams.forEach(RawSseStream::abort);
            long backTo = before + opened / 2; // a few descriptors may come and go meanwhile
            Duration within = closeNoticeBound().plusSeconds(1);
            eventually(within, () -> {
                long after = openFds();
                assertTrue(with - after >= opened && after <= backTo, "runtime.openFds was " + before + " before "
                        + opened + " streams opened, " + with + " while they were open, and " + after + " after"
                        + " their clients closed them: expected it to fall by at least " + opened + " (a socket each)"
                        + " to at most " + backTo + " within " + within.toMillis() + " ms (SPEC 3.5). Count every"
                        + " open descriptor of the process, sockets included, fresh for each request, and close a"
                        + " stream's socket once its client is gone");
            });
        } finally {
            streams.forEach(RawSseStream::close);
        }
    }

    /**
     * The runtime object of {@code GET /api/status}, asked on a connection of its own that the server closes after
     * answering, so that reading it leaves no descriptor open; fails, saying what to add, when there is none.
     */
    private JsonNode runtime() throws IOException {
        // over HTTP/2 there is no Connection header (OkHttp drops it): the kit's one connection stays
        RawResponse answer = request("GET", "/api/status", "Connection: close");
        assertEquals(200, answer.status(), () -> "GET /api/status: " + answer.describe());
        JsonNode status = answer.json();
        JsonNode runtime = status.get("runtime");
        assertTrue(runtime != null && runtime.isObject(), () -> "GET /api/status has no runtime object: add"
                + " \"runtime\":{\"threads\":...} with the figures of SPEC 8.4; was " + status);
        return runtime;
    }

    private long openFds() throws IOException {
        JsonNode runtime = runtime();
        Long open = figure(runtime, "openFds");
        assertTrue(open != null, () -> "runtime.openFds was a number, then " + runtime.get("openFds")
                + ": report it on every request, or always null");
        return open;
    }

    /** A figure as a whole number (cpuSeconds rounded down), or null when the server gives null or no number. */
    private static Long figure(JsonNode runtime, String name) {
        JsonNode value = runtime.path(name);
        return value.isNumber() ? value.asLong() : null;
    }
}
