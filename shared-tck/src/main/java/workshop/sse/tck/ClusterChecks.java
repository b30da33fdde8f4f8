package workshop.sse.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static workshop.sse.tck.CheckHelpers.eventName;
import static workshop.sse.tck.Eventually.eventually;
import static workshop.sse.tck.TckContext.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Section 11, against several instances behind one address (a load balancer that sends each new connection to any
 * instance): checked when {@code /api/status} has a {@code cluster}, skipped otherwise. Every stream and every publish
 * here goes out on a connection of its own, so that they spread over the instances; a check first makes sure they did.
 */
public interface ClusterChecks extends TckContext {

    int SPREAD_STREAMS = 4;

    @Test
    @DisplayName("11.2 several instances: every subscriber, on any instance, gets every publish made to any instance,"
            + " once, in id order, the ids growing by one")
    default void everyInstanceDeliversEveryPublish() throws IOException {
        List<RawSseStream> streams = openSpread();
        try {
            String name = eventName("cluster");
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ids.add(publishAlone(name, "event " + i));
            }
            for (int i = 1; i < ids.size(); i++) {
                assertEquals(ids.get(i - 1) + 1, ids.get(i), "the ids of six publishes spread over the instances: " + ids
                        + ". Take each id from the one counter all instances share (SPEC 11.2)");
            }
            for (int s = 0; s < streams.size(); s++) {
                List<String> got = new ArrayList<>();
                for (int i = 0; i < ids.size(); i++) {
                    SseFrame event = nextNamed(streams.get(s), name);
                    got.add(event.id() + "=" + event.value("data"));
                }
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < ids.size(); i++) {
                    expected.add(ids.get(i) + "=event " + i);
                }
                assertEquals(expected, got, "stream " + (s + 1) + " of " + streams.size() + ", spread over the"
                        + " instances: every subscriber must get every publish, whichever instance took it (SPEC 11.2)");
            }
        } finally {
            streams.forEach(RawSseStream::close);
        }
    }

    @Test
    @DisplayName("11.3 several instances: a Last-Event-ID given by one instance resumes on any other, nothing lost or"
            + " doubled")
    default void replayWorksOnEveryInstance() throws IOException {
        assumeCluster();
        assumeHistoryOf(5);
        String name = eventName("resume");
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(publishAlone(name, "event " + i));
        }
        List<String> expected = new ArrayList<>();
        for (int i = 1; i < ids.size(); i++) {
            expected.add(ids.get(i) + "=event " + i);
        }
        for (int s = 0; s < SPREAD_STREAMS; s++) { // one connection each: they land on the instances in turn
            try (RawSseStream stream = RawSseStream.open(connect(), "GET", BROADCAST, "Last-Event-ID: " + ids.get(0))) {
                assertEquals(200, stream.status(), () -> "GET " + BROADCAST + ": " + stream.head().describe());
                List<String> got = new ArrayList<>();
                while (got.size() < expected.size()) {
                    SseFrame event = stream.nextEvent(RawHttp.ANSWER);
                    assertTrue(event != null, "the stream ended during its replay");
                    assertTrue(!"gap".equals(event.event()), () -> "a gap where the history holds every event: "
                            + event.lines());
                    if (name.equals(event.event())) {
                        got.add(event.id() + "=" + event.value("data"));
                    }
                }
                assertEquals(expected, got, "resume " + (s + 1) + " of " + SPREAD_STREAMS + " after id " + ids.get(0)
                        + ": every instance must replay the same events from the shared history (SPEC 11.3)");
            }
        }
    }

    @Test
    @DisplayName("11.4, 11.5 several instances: a publish's subscribers, and presence, count the subscribers of every"
            + " instance")
    default void subscribersAreCountedOverEveryInstance() throws IOException {
        List<RawSseStream> streams = openSpread();
        try {
            eventually(Duration.ofSeconds(3), () -> {
                long subscribers = JSON.readTree(publishAnswer(eventName("count"), "x")).path("subscribers").asLong();
                assertEquals(streams.size(), subscribers, "the 202's subscribers with " + streams.size() + " streams"
                        + " open across the instances: count the subscribers of every live instance (SPEC 11.4)");
            });
            for (int s = 0; s < streams.size(); s++) {
                assertEquals(streams.size(), presenceReaching(streams.get(s), streams.size(), Duration.ofSeconds(3)),
                        "the latest presence on stream " + (s + 1) + " of " + streams.size() + ", 3 s after the last"
                        + " opened: every instance's subscribers count (SPEC 11.5)");
            }
        } finally {
            streams.forEach(RawSseStream::close);
        }
    }

    @Test
    @DisplayName("11.7, 11.8 several instances: each instance counts its own streams; cluster counts the live"
            + " instances and all their streams")
    default void clusterSumsTheInstances() throws IOException {
        List<RawSseStream> streams = openSpread();
        try {
            eventually(Duration.ofSeconds(3), () -> {
                Map<String, JsonNode> statuses = statusOfEachInstance();
                long own = 0;
                for (JsonNode status : statuses.values()) {
                    own += status.path("streams").path("broadcast").asLong();
                }
                for (Map.Entry<String, JsonNode> status : statuses.entrySet()) {
                    JsonNode cluster = status.getValue().path("cluster");
                    String where = "instance " + status.getKey() + "'s cluster " + cluster;
                    assertEquals("up", cluster.path("redis").asText(), where + ": redis");
                    assertEquals(statuses.size(), cluster.path("instances").asInt(), where + ": instances must count"
                            + " the live instances (SPEC 11.8)");
                    assertEquals(own, cluster.path("subscribers").asLong(), where + ": subscribers must be the sum of"
                            + " every instance's own broadcast streams (SPEC 11.7, 11.8)");
                    assertEquals(own, cluster.path("streams").path("broadcast").asLong(), where + ": streams.broadcast");
                }
                assertEquals(streams.size(), own, "the instances' own broadcast streams, summed: each instance"
                        + " counts its own streams in streams (SPEC 11.7)");
            });
        } finally {
            streams.forEach(RawSseStream::close);
        }
    }

    // ---- helpers

    private void assumeCluster() {
        Assumptions.assumeTrue(clustered(), "not a cluster (/api/status has no \"cluster\"): section 11 applies to"
                + " instances started with REDIS_URL, behind one address");
    }

    /**
     * {@value #SPREAD_STREAMS} broadcast streams, each on a connection of its own, after checking that they reached
     * more than one instance (a balancer that put them all on one proves nothing about the others).
     */
    private List<RawSseStream> openSpread() throws IOException {
        assumeCluster();
        awaitNoOpenStreams();
        List<RawSseStream> streams = new ArrayList<>();
        try {
            for (int i = 0; i < SPREAD_STREAMS; i++) {
                RawSseStream stream = RawSseStream.open(connect(), "GET", BROADCAST);
                streams.add(stream);
                assertEquals(200, stream.status(), () -> "GET " + BROADCAST + ": " + stream.head().describe());
            }
            long deadline = System.nanoTime() + RawHttp.ANSWER.toNanos();
            long instancesWithStreams = 0;
            while (instancesWithStreams < 2 && System.nanoTime() < deadline) {
                instancesWithStreams = statusOfEachInstance().values().stream()
                        .filter(status -> status.path("streams").path("broadcast").asInt() > 0).count();
            }
            Assumptions.assumeTrue(instancesWithStreams > 1, SPREAD_STREAMS + " streams, each on a new connection,"
                    + " all reached one instance: spread connections over the instances to check section 11");
            return streams;
        } catch (RuntimeException | Error | IOException e) {
            streams.forEach(RawSseStream::close);
            throw e;
        }
    }

    /**
     * {@code GET /api/status} on new connections until every live instance answered once (a balancer sends new
     * connections to each in turn), by {@code instance}.
     */
    private Map<String, JsonNode> statusOfEachInstance() throws IOException {
        Map<String, JsonNode> byInstance = new LinkedHashMap<>();
        int expected = 1;
        for (int i = 0; i < 40 && byInstance.size() < Math.max(2, expected); i++) {
            RawResponse answer;
            try (RawHttp conn = connect()) {
                answer = conn.exchange(conn.head("GET", "/api/status", "Connection: close"));
            }
            assertEquals(200, answer.status(), () -> "GET /api/status: " + answer.describe());
            JsonNode status = answer.json();
            byInstance.put(status.path("instance").asText(), status);
            expected = Math.max(expected, status.path("cluster").path("instances").asInt());
        }
        assertTrue(byInstance.size() > 1, () -> "40 status requests, each on a new connection, reached only instance "
                + byInstance.keySet() + ": give each instance its own \"instance\" name in /api/status (SPEC 8.1)");
        return byInstance;
    }

    /** Publishes on a connection of its own (so publishes spread too); returns the id. */
    private long publishAlone(String name, String body) throws IOException {
        return JSON.readTree(publishAnswer(name, body)).path("id").asLong();
    }

    private String publishAnswer(String name, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        RawResponse answer;
        try (RawHttp conn = connect()) {
            conn.send(conn.head("POST", BROADCAST + "?event=" + name, "Content-Type: text/plain; charset=utf-8",
                    "Content-Length: " + bytes.length, "Connection: close"));
            conn.send(bytes);
            answer = conn.readResponse(false, RawHttp.ANSWER);
        }
        assertEquals(202, answer.status(), () -> "POST " + BROADCAST + ": " + answer.describe());
        return answer.text();
    }

    /** The subscriber count of the latest presence event within {@code within}, returning early at {@code wanted}. */
    private static int presenceReaching(RawSseStream stream, int wanted, Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        int latest = -1;
        while (latest != wanted) {
            long left = deadline - System.nanoTime();
            SseFrame frame = left <= 0 ? null : stream.poll(Duration.ofNanos(left));
            if (frame == null) {
                break;
            }
            if ("presence".equals(frame.event())) {
                latest = JSON.readTree(frame.value("data")).path("subscribers").asInt();
            }
        }
        return latest;
    }

    /** The next event named {@code name} on {@code stream} (presence and other events in between are skipped). */
    private static SseFrame nextNamed(RawSseStream stream, String name) throws IOException {
        while (true) {
            SseFrame event = stream.nextEvent(RawHttp.ANSWER);
            assertTrue(event != null, "the stream ended while waiting for a " + name + " event");
            if (name.equals(event.event())) {
                return event;
            }
        }
    }
}
