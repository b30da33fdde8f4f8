package workshop.sse.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static workshop.sse.tck.CheckHelpers.assertJsonError;
import static workshop.sse.tck.CheckHelpers.eventName;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPEC "Cross-origin", with the default ALLOWED_ORIGINS ({@code http://localhost:*}, {@code http://127.0.0.1:*}):
 * the kit never sets that setting, so what it checks here is the SPEC's default.
 */
public interface CrossOriginChecks extends TckContext {

    /** The body of the checks' publishes. */
    private static byte[] text() {
        return "cross-origin".getBytes(StandardCharsets.UTF_8);
    }

    /** One answer of each kind an /api path gives: JSON, errors, a publish, streams. */
    private List<HttpHead> apiAnswers(String origin) throws IOException {
        String header = "Origin: " + origin;
        List<HttpHead> heads = new ArrayList<>();
        heads.add(request("GET", "/api/status", header).head());
        heads.add(request("GET", "/api/no-such-endpoint", header).head());
        try (RawSseStream error = openStream("/api/counter?interval=1", header)) {
            heads.add(error.head());
        }
        heads.add(post(BROADCAST + "?event=" + eventName("cors"), "text/plain", text(), header).head());
        heads.add(post(BROADCAST, "text/plain", new byte[0], header).head());
        for (String target : List.of(BROADCAST, COUNTER_IDLE)) {
            try (RawSseStream stream = openStream(target, header)) {
                heads.add(stream.head());
                stream.abort();
            }
        }
        heads.add(request("DELETE", "/api/status", header).head()); // 405
        try (RawSseStream refused = openStream(BROADCAST, header, "Accept: application/json")) { // 406
            heads.add(refused.head());
        }
        if (overHttp2()) { // 413: the kit's HTTP/2 client sends the body it announces
            heads.add(post(BROADCAST, "text/plain", new byte[70000], header).head());
        } else {
            try (RawHttp conn = connect()) { // 413, from Content-Length, before any body is sent
                conn.send(conn.head("POST", BROADCAST, header, "Content-Type: text/plain", "Content-Length: 70000"));
                heads.add(conn.readHead(RawHttp.ANSWER));
            }
        }
        heads.add(post(BROADCAST, "text/html", text(), header).head()); // 415
        try (RawSseStream finished = openStream("/api/counter?limit=3", header, "Last-Event-ID: 5")) { // 204
            heads.add(finished.head());
        }
        heads.add(post("/api/disconnect", "application/json", new byte[0], header).head()); // nothing is open now
        return heads;
    }

    @ParameterizedTest(name = "Origin: {0}", quoteTextArguments = false)
    @ValueSource(strings = {"http://localhost:5173", "http://127.0.0.1:8080", "http://localhost"})
    @DisplayName("9.1 cross-origin: an allowed Origin is echoed in Access-Control-Allow-Origin and Timing-Allow-Origin,"
            + " with Vary: Origin, on"
            + " every /api answer: JSON, streams, the counter's 204, /api/disconnect's 200, and the errors 400, 404,"
            + " 405, 406, 413 and 415 (503: see 3.7)")
    default void allowedOriginIsEchoed(String origin) throws IOException {
        List<Integer> statuses = new ArrayList<>();
        for (HttpHead head : apiAnswers(origin)) {
            statuses.add(head.status());
            assertEquals(List.of(origin), head.headers("Access-Control-Allow-Origin"),
                    () -> "Access-Control-Allow-Origin in " + head.describe());
            assertTrue(head.tokens("Vary").contains("origin"), () -> "Vary: Origin in " + head.describe());
            assertEquals(List.of(origin), head.headers("Timing-Allow-Origin"),
                    () -> "Timing-Allow-Origin (so the page can read nextHopProtocol) in " + head.describe());
        }
        // the answers were of the kinds meant
        assertEquals(List.of(200, 404, 400, 202, 400, 200, 200, 405, 406, 413, 415, 204, 200), statuses,
                "statuses of the /api answers: status, unknown path, bad interval, publish, empty publish, two streams,"
                        + " wrong method, Accept ruled out, too large, wrong type, counter done, disconnect");
    }

    static Stream<Arguments> preflights() {
        return Stream.of(
                arguments(BROADCAST, "POST", "content-type"),
                arguments(BROADCAST, "GET", "last-event-id"),
                arguments("/api/counter", "GET", "last-event-id"),
                arguments("/api/disconnect", "POST", "content-type"));
    }

    @ParameterizedTest(name = "OPTIONS {0} for {1} with {2}", quoteTextArguments = false)
    @MethodSource("preflights")
    @DisplayName("9.2 cross-origin: a preflight from an allowed Origin is 204, allowing GET, POST, Content-Type and"
            + " Last-Event-ID, with Vary: Origin")
    default void preflightFromAllowedOrigin(String path, String method, String requestHeaders) throws IOException {
        String origin = "http://localhost:5173";
        RawResponse response = request("OPTIONS", path, "Origin: " + origin,
                "Access-Control-Request-Method: " + method, "Access-Control-Request-Headers: " + requestHeaders);
        HttpHead head = response.head();
        assertEquals(204, head.status(), head::describe);
        assertEquals(List.of(origin), head.headers("Access-Control-Allow-Origin"), head::describe);
        assertTrue(head.tokens("Vary").contains("origin"), () -> "Vary: Origin on a preflight: " + head.describe());
        List<String> methods = head.tokens("Access-Control-Allow-Methods");
        assertTrue(methods.contains("get") && methods.contains("post"),
                () -> "Access-Control-Allow-Methods must allow GET and POST: " + head.describe());
        List<String> headers = head.tokens("Access-Control-Allow-Headers");
        assertTrue(headers.contains("*") || headers.containsAll(List.of("content-type", "last-event-id")),
                () -> "Access-Control-Allow-Headers must allow Content-Type and Last-Event-ID: " + head.describe());
    }

    static Stream<String> disallowedOrigins() {
        return Stream.of("http://localhost.evil.test:8080", "http://127.0.0.1.evil.test:8080", "http://evil.test",
                "http://evil-localhost:3000", "https://localhost.evil.test:8443", "null");
    }

    @ParameterizedTest(name = "Origin: {0}", quoteTextArguments = false)
    @MethodSource("disallowedOrigins")
    @DisplayName("9.4, 9.3, 6.6 cross-origin: a POST from an Origin that is not allowed is 403 and publishes nothing ('*' is a port,"
            + " never part of a host)")
    default void postFromDisallowedOriginIs403(String origin) throws IOException {
        long before = lastEventId();
        RawResponse response = post(BROADCAST + "?event=" + eventName("evil"), "text/plain", text(), "Origin: " + origin);
        assertJsonError("POST with Origin: " + origin, 403, response);
        assertTrue(!response.head().has("Access-Control-Allow-Origin"),
                () -> "a refused Origin gets no Access-Control-Allow-Origin: " + response.head().describe());
        assertEquals(before, lastEventId(), "a refused POST must change nothing");
    }

    @ParameterizedTest(name = "Origin: {0}", quoteTextArguments = false)
    @MethodSource("disallowedOrigins")
    @DisplayName("9.4 cross-origin: a preflight from an Origin that is not allowed is 403")
    default void preflightFromDisallowedOriginIs403(String origin) throws IOException {
        RawResponse response = request("OPTIONS", BROADCAST, "Origin: " + origin,
                "Access-Control-Request-Method: POST", "Access-Control-Request-Headers: content-type");
        assertEquals(403, response.status(), () -> "preflight from " + origin + ": " + response.describe());
        assertTrue(!response.head().has("Access-Control-Allow-Origin"), () -> response.head().describe());
    }

    @ParameterizedTest(name = "Origin: {0}", quoteTextArguments = false)
    @MethodSource("disallowedOrigins")
    @DisplayName("9.1, 9.3 cross-origin: an Origin that is not allowed is never granted Access-Control-Allow-Origin")
    default void disallowedOriginIsNotGranted(String origin) throws IOException {
        HttpHead head = request("GET", "/api/status", "Origin: " + origin).head();
        List<String> granted = head.headers("Access-Control-Allow-Origin");
        assertTrue(!granted.contains(origin) && !granted.contains("*"),
                () -> "GET /api/status from " + origin + ": " + head.describe());
    }

    @Test
    @DisplayName("7.2, 9.4 cross-origin: POST /api/disconnect from an Origin that is not allowed is 403 and closes nothing")
    default void disconnectFromDisallowedOriginIs403() throws IOException {
        try (RawSseStream stream = openStream("/api/counter?interval=100")) {
            assertEquals(200, stream.status(), () -> stream.head().describe());
            assertNotNull(stream.nextEvent(RawHttp.ANSWER), "first tick");
            RawResponse response = post("/api/disconnect", null, new byte[0], "Origin: http://localhost.evil.test:8080");
            assertJsonError("POST /api/disconnect from a refused Origin", 403, response);
            for (int i = 0; i < 3; i++) {
                assertNotNull(stream.nextEvent(RawHttp.ANSWER), "the stream was closed by a refused /api/disconnect");
            }
            stream.abort();
        }
    }

    @Test
    @DisplayName("9.4 cross-origin: a request without Origin (curl, tests) is allowed")
    default void requestWithoutOriginIsAllowed() throws IOException {
        RawResponse response = post(BROADCAST + "?event=" + eventName("no-origin"), "text/plain", text());
        assertEquals(202, response.status(), response::describe);
    }
}
