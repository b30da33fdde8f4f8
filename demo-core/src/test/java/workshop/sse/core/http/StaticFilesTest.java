package workshop.sse.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StaticFilesTest {

    @Test
    void slashIsIndexHtml() throws Exception {
        StaticFiles.File file = StaticFiles.get("GET", "/");
        assertEquals("text/html;charset=utf-8", file.contentType());
        assertTrue(new String(file.bytes(), StandardCharsets.UTF_8).contains("<html"));
        assertEquals(file.contentType(), StaticFiles.get("HEAD", "/index.html").contentType());
    }

    @Test
    void eachTypeByItsExtension() throws Exception {
        assertEquals("text/javascript;charset=utf-8", StaticFiles.get("GET", "/common.js").contentType());
        assertEquals("text/css;charset=utf-8", StaticFiles.get("GET", "/workshop.css").contentType());
    }

    @Test
    void aFileInAFolderOfStatic() throws Exception {
        assertEquals("application/json", StaticFiles.get("GET", "/bench/results.json").contentType());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/nope.html", "/../pom.xml", "/a/../index.html", "//index.html", "/.\\index.html", "/bench"})
    void nothingElseIsAFile(String path) {
        assertEquals(404, assertThrows(ApiError.class, () -> StaticFiles.get("GET", path)).status());
        assertNull(StaticFiles.find(path));
    }

    @Test
    void anotherMethodOnAFileIs405WithAllow() {
        ApiError error = assertThrows(ApiError.class, () -> StaticFiles.get("POST", "/index.html"));
        assertEquals(405, error.status());
        assertEquals(Map.of("Allow", "GET, HEAD"), error.headers());
    }

    @Test
    void anotherMethodWhereThereIsNoFileIs404() {
        assertEquals(404, assertThrows(ApiError.class, () -> StaticFiles.get("DELETE", "/nope")).status());
    }
}
