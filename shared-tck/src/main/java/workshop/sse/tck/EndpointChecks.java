package workshop.sse.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static workshop.sse.tck.CheckHelpers.assertJsonError;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** SPEC "Endpoints": the static files, unknown paths, wrong methods, and the JSON shape of errors. */
public interface EndpointChecks extends TckContext {

    /** Media types by file extension; where two are in use, either is right. */
    Map<String, List<String>> TYPES = Map.ofEntries(
            Map.entry("html", List.of("text/html")),
            Map.entry("htm", List.of("text/html")),
            Map.entry("css", List.of("text/css")),
            Map.entry("js", List.of("text/javascript", "application/javascript")),
            Map.entry("mjs", List.of("text/javascript", "application/javascript")),
            Map.entry("json", List.of("application/json")),
            Map.entry("svg", List.of("image/svg+xml")),
            Map.entry("png", List.of("image/png")),
            Map.entry("jpg", List.of("image/jpeg")),
            Map.entry("jpeg", List.of("image/jpeg")),
            Map.entry("gif", List.of("image/gif")),
            Map.entry("webp", List.of("image/webp")),
            Map.entry("ico", List.of("image/x-icon", "image/vnd.microsoft.icon")),
            Map.entry("txt", List.of("text/plain")),
            Map.entry("woff2", List.of("font/woff2")),
            Map.entry("webmanifest", List.of("application/manifest+json", "application/json")));

    Pattern LOCAL_REFERENCE = Pattern.compile("(?:src|href)\\s*=\\s*[\"']([^\"'#?]+)[\"']");

    @Test
    @DisplayName("2.1 endpoints: GET / answers index.html, as text/html")
    default void slashIsIndexHtml() throws IOException {
        RawResponse slash = request("GET", "/");
        RawResponse index = request("GET", "/index.html");
        assertEquals(200, slash.status(), "GET /");
        assertEquals(200, index.status(), "GET /index.html");
        assertMediaType(List.of("text/html"), slash.header("Content-Type"), "GET /");
        assertTrue(index.body().length > 0, "GET /index.html has an empty body");
        assertArrayEquals(index.body(), slash.body(), "GET / must answer the bytes of /index.html");
    }

    @Test
    @DisplayName("2.1 endpoints: the files of static/ (index.html and what it links to) come with the right Content-Type")
    default void staticFilesHaveTheRightContentType() throws IOException {
        String html = request("GET", "/index.html").text();
        Set<String> paths = new LinkedHashSet<>(List.of("/index.html"));
        Matcher reference = LOCAL_REFERENCE.matcher(html);
        while (reference.find()) {
            String path = reference.group(1).strip();
            if (path.matches("(?i)^([a-z][a-z0-9+.-]*:|//).*") || path.contains("api/")) {
                continue; // another site, a data: URL, or the API: not a static file
            }
            paths.add(path.startsWith("/") ? path : "/" + path.replaceFirst("^\\./", ""));
        }
        for (String path : paths) {
            String extension = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
            List<String> expected = TYPES.get(extension);
            if (path.lastIndexOf('.') < path.lastIndexOf('/') || expected == null) {
                continue; // no extension the kit knows a type for
            }
            RawResponse file = request("GET", path);
            assertEquals(200, file.status(), () -> "GET " + path + " (linked from index.html)");
            assertMediaType(expected, file.header("Content-Type"), "GET " + path);
        }
    }

    static Stream<String> traversals() {
        String up = "../".repeat(8);
        return Stream.of(
                "/" + up + "etc/passwd",
                "/static/" + up + "etc/passwd",
                "/./" + up + "etc/passwd",
                "/" + "%2e%2e/".repeat(8) + "etc/passwd",
                "/" + "%2E%2E/".repeat(8) + "etc/passwd",
                "/" + "..%2f".repeat(8) + "etc%2fpasswd",
                "/" + "%2e%2e%2f".repeat(8) + "etc%2fpasswd",
                "/" + "..%5c".repeat(8) + "etc%5cpasswd",
                "/" + "%252e%252e%252f".repeat(8) + "etc%252fpasswd",
                "/" + "%c0%ae%c0%ae/".repeat(8) + "etc/passwd",
                "/" + "....//".repeat(8) + "etc/passwd");
    }

    @ParameterizedTest(name = "GET {0}", quoteTextArguments = false)
    @MethodSource("traversals")
    @DisplayName("2.2 endpoints: a path that would leave static/ (.., encoded or not) is 404 or 400, never a file")
    default void traversalIsRefused(String target) throws IOException {
        // on a raw socket: an HTTP library would resolve the dots before sending
        assumeHttp11("the kit's HTTP/2 client (OkHttp) resolves dot segments, encoded ones too, before it sends a"
                + " :path; the runs over HTTP/1.1 check this");
        try (RawHttp conn = connect()) {
            RawResponse response = conn.exchange(conn.head("GET", target));
            assertTrue(response.status() == 404 || response.status() == 400,
                    () -> "GET " + target + " must be 404 or 400, was " + response.describe());
            assertFalse(response.text().contains("root:"), "GET " + target + " answered the content of /etc/passwd");
        }
    }

    @ParameterizedTest(name = "GET {0}", quoteTextArguments = false)
    @ValueSource(strings = {"/no-such-file-4711.html", "/no/such/directory/", "/api/no-such-endpoint"})
    @DisplayName("2.3, 2.4 endpoints: a path that does not exist is 404, with a JSON {\"error\": ...} body")
    default void unknownPathIs404(String path) throws IOException {
        assertJsonError("GET " + path, 404, request("GET", path));
    }

    static Stream<Arguments> wrongMethods() {
        return Stream.of(
                arguments("POST", "/api/status", List.of("GET")),
                arguments("DELETE", "/api/status", List.of("GET")),
                arguments("POST", "/api/counter", List.of("GET")),
                arguments("PUT", "/api/broadcast", List.of("GET", "POST")),
                arguments("DELETE", "/api/broadcast", List.of("GET", "POST")),
                arguments("GET", "/api/disconnect", List.of("POST")),
                arguments("POST", "/", List.of("GET")),
                arguments("PUT", "/index.html", List.of("GET")));
    }

    @ParameterizedTest(name = "{0} {1} allows {2}", quoteTextArguments = false)
    @MethodSource("wrongMethods")
    @DisplayName("2.3, 2.4 endpoints: a known path with another method is 405 with an Allow header, and a JSON error")
    default void wrongMethodIs405(String method, String path, List<String> allowed) throws IOException {
        RawResponse response = request(method, path);
        assertJsonError(method + " " + path, 405, response);
        String allow = response.header("Allow");
        assertTrue(allow != null, () -> method + " " + path + ": a 405 must carry an Allow header");
        List<String> methods = Stream.of(allow.split(",")).map(m -> m.strip().toUpperCase(Locale.ROOT)).toList();
        assertTrue(methods.containsAll(allowed), () -> "Allow: " + allow + " must list " + allowed);
        assertFalse(methods.contains(method), () -> "Allow: " + allow + " lists " + method + ", which was refused");
    }

    private static void assertMediaType(List<String> expected, String contentType, String what) {
        String mediaType = contentType == null ? "" : contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
        assertTrue(expected.contains(mediaType), () -> what + ": Content-Type " + contentType + ", expected " + expected);
    }
}
