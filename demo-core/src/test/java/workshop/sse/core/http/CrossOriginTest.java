package workshop.sse.core.http;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CrossOriginTest {

    private final CrossOrigin cors = new CrossOrigin(OriginPolicy.parse(OriginPolicy.DEFAULT));

    @Test
    void allowedOriginIsEchoedWithVaryAndMayReadTheTiming() {
        assertEquals(Map.of("Access-Control-Allow-Origin", "http://localhost:5173",
                        "Timing-Allow-Origin", "http://localhost:5173", "Vary", "Origin"),
                cors.headersFor("http://localhost:5173"));
    }

    @Test
    void foreignOriginGetsOnlyVary() {
        assertEquals(Map.of("Vary", "Origin"), cors.headersFor("http://evil.test"));
        assertEquals(Map.of("Vary", "Origin"), cors.headersFor("null"));
    }

    @Test
    void noOriginGetsNoCrossOriginHeaders() {
        assertEquals(Map.of(), cors.headersFor(null));
    }

    @Test
    void preflightFromAnAllowedOriginAllowsGetPostAndTheTwoHeaders() {
        Map<String, String> headers = cors.preflight("http://127.0.0.1:8081");
        assertEquals("http://127.0.0.1:8081", headers.get("Access-Control-Allow-Origin"));
        assertEquals("Origin", headers.get("Vary"));
        assertEquals("GET, POST", headers.get("Access-Control-Allow-Methods"));
        assertEquals("Content-Type, Last-Event-ID", headers.get("Access-Control-Allow-Headers"));
    }

    @Test
    void preflightFromAForeignOriginIs403() {
        ApiError e = assertThrows(ApiError.class, () -> cors.preflight("http://localhost.evil.test:8080"));
        assertEquals(403, e.status());
    }

    @Test
    void postFromAForeignOriginIs403() {
        assertEquals(403, assertThrows(ApiError.class, () -> cors.checkPost("https://localhost.evil.test:5173")).status());
    }

    @Test
    void postWithoutOriginOrFromAnAllowedOneIsAllowed() {
        assertDoesNotThrow(() -> cors.checkPost(null));
        assertDoesNotThrow(() -> cors.checkPost("http://localhost"));
    }
}
