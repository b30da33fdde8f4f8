package workshop.sse.core.http;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RoutesTest {

    @ParameterizedTest
    @CsvSource({"GET,/api/counter", "HEAD,/api/counter", "OPTIONS,/api/counter",
            "GET,/api/broadcast", "HEAD,/api/broadcast", "POST,/api/broadcast", "OPTIONS,/api/broadcast",
            "POST,/api/disconnect", "OPTIONS,/api/disconnect",
            "GET,/api/status", "HEAD,/api/status", "OPTIONS,/api/status"})
    void knownPathWithAnAllowedMethodPasses(String method, String path) {
        assertDoesNotThrow(() -> Routes.check(method, path));
    }

    @ParameterizedTest
    @CsvSource({"POST,/api/counter,'GET, HEAD, OPTIONS'", "DELETE,/api/broadcast,'GET, HEAD, POST, OPTIONS'",
            "GET,/api/disconnect,'POST, OPTIONS'", "PUT,/api/status,'GET, HEAD, OPTIONS'",
            "get,/api/status,'GET, HEAD, OPTIONS'", "GE,/api/status,'GET, HEAD, OPTIONS'"})
    void knownPathWithAnotherMethodIs405WithAllow(String method, String path, String allow) {
        ApiError e = assertThrows(ApiError.class, () -> Routes.check(method, path));
        assertEquals(405, e.status());
        assertEquals(allow, e.headers().get("Allow"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/nothing", "/api", "/api/", "/api/counter/", "/api/status/x", "/API/status"})
    void unknownApiPathIs404(String path) {
        ApiError e = assertThrows(ApiError.class, () -> Routes.check("GET", path));
        assertEquals(404, e.status());
    }

    @Test
    void apiPathsAreRecognised() {
        assertTrue(Routes.isApi("/api"));
        assertTrue(Routes.isApi("/api/"));
        assertTrue(Routes.isApi("/api/status"));
        assertFalse(Routes.isApi("/apis"));
        assertFalse(Routes.isApi("/index.html"));
        assertFalse(Routes.isApi("/"));
    }
}
