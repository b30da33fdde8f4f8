package workshop.sse.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static workshop.sse.tck.TckContext.JSON;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

import io.restassured.response.Response;

import org.opentest4j.AssertionFailedError;

/**
 * The static helpers that several groups of checks share (each imports them statically): a static method of an
 * interface is not inherited by the interfaces that extend it, so they live here rather than in {@link TckContext}.
 */
public final class CheckHelpers {

    private static final AtomicInteger NAMES = new AtomicInteger();

    private CheckHelpers() {
    }

    /** An event name no other check uses, so that each check recognises its own events on the shared stream. */
    public static String eventName(String purpose) {
        return purpose + "-" + Long.toString(ProcessHandle.current().pid(), 36) + "-" + NAMES.incrementAndGet();
    }

    /**
     * SPEC, every SSE response: text/event-stream (charset=utf-8 allowed), no-cache or no-store,
     * X-Accel-Buffering: no, no Content-Length, no Content-Encoding.
     */
    public static void assertEventStreamHeaders(HttpHead head, String what) {
        String contentType = head.header("Content-Type");
        assertTrue(contentType != null, () -> what + ": no Content-Type (" + head.describe() + ")");
        String[] parts = contentType.split(";");
        assertEquals("text/event-stream", parts[0].strip().toLowerCase(Locale.ROOT),
                () -> what + ": Content-Type " + contentType);
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip().toLowerCase(Locale.ROOT).replace("\"", "");
            assertTrue(parameter.isEmpty() || parameter.equals("charset=utf-8"),
                    () -> what + ": the only parameter Content-Type may have is charset=utf-8, was " + contentType);
        }
        List<String> cacheControl = head.tokens("Cache-Control");
        assertTrue(cacheControl.contains("no-cache") || cacheControl.contains("no-store"),
                () -> what + ": Cache-Control must say no-cache (or no-store), was " + head.headers("Cache-Control"));
        assertTrue("no".equalsIgnoreCase(head.header("X-Accel-Buffering")),
                () -> what + ": X-Accel-Buffering must be no, was " + head.header("X-Accel-Buffering"));
        assertTrue(!head.has("Content-Length"),
                () -> what + ": a stream has no Content-Length, was " + head.header("Content-Length"));
        assertTrue(!head.has("Content-Encoding"),
                () -> what + ": a stream is never compressed, Content-Encoding was " + head.header("Content-Encoding"));
    }

    // ---- error answers

    /** SPEC: every error the application answers has a JSON body {@code {"error": "<one clear sentence>"}}. */
    public static void assertJsonError(String what, int expectedStatus, int status, String contentType, byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        assertEquals(expectedStatus, status, () -> what + " answered " + status + " " + Printable.of(text));
        assertTrue(contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/json"),
                () -> what + ": an error answer must be JSON, Content-Type was " + contentType);
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionFailedError(what + ": error body is not JSON: " + Printable.of(text));
        }
        JsonNode error = json == null ? null : json.get("error");
        if (error == null || !error.isTextual() || error.asText().isBlank()) {
            fail(what + ": error body must be {\"error\": \"<one clear sentence>\"}, was " + Printable.of(text));
        }
    }

    public static void assertJsonError(String what, int expectedStatus, RawResponse response) {
        assertJsonError(what, expectedStatus, response.status(), response.header("Content-Type"), response.body());
    }

    public static void assertJsonError(String what, int expectedStatus, Response response) {
        assertJsonError(what, expectedStatus, response.statusCode(), response.contentType(), response.asByteArray());
    }
}
