package workshop.sse.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiErrorTest {

    @Test
    void carriesStatusMessageAndNoHeadersByDefault() {
        ApiError e = new ApiError(400, "Bad thing.");
        assertEquals(400, e.status());
        assertEquals("Bad thing.", e.getMessage());
        assertEquals(Map.of(), e.headers());
    }

    @Test
    void jsonBodyIsOneErrorField() throws Exception {
        ApiError e = new ApiError(400, "Quote \" and \\ and\nline.");
        var node = new ObjectMapper().readTree(e.json());
        assertEquals(1, node.size());
        assertEquals("Quote \" and \\ and\nline.", node.get("error").asText());
    }

    @Test
    void headersAreCopiedAndImmutable() {
        Map<String, String> headers = new HashMap<>(Map.of("Retry-After", "5"));
        ApiError e = new ApiError(503, "Busy.", headers);
        headers.put("X", "y");
        assertEquals(Map.of("Retry-After", "5"), e.headers());
        assertThrows(UnsupportedOperationException.class, () -> e.headers().put("Z", "z"));
    }

    @Test
    void notFoundIs404NamingThePath() {
        ApiError e = ApiError.notFound("/api/nope");
        assertEquals(404, e.status());
        assertTrue(e.getMessage().contains("/api/nope"));
    }

    @Test
    void methodNotAllowedIs405WithAllow() {
        ApiError e = ApiError.methodNotAllowed("PUT", "/api/status", "GET, HEAD");
        assertEquals(405, e.status());
        assertEquals(Map.of("Allow", "GET, HEAD"), e.headers());
        assertTrue(e.getMessage().contains("PUT"));
    }

    @Test
    void isAnAnswerWithoutAStackTrace() {
        assertEquals(0, new ApiError(400, "x").getStackTrace().length);
    }
}
