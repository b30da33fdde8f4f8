package workshop.sse.rawsocket.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writing an answer by hand: a status line, headers, a blank line, and a body whose length is announced in
 * Content-Length, so that a kept-alive client knows where the next response starts.
 */
public final class HttpResponse {

    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(100, "Continue"), Map.entry(200, "OK"), Map.entry(202, "Accepted"),
            Map.entry(204, "No Content"), Map.entry(400, "Bad Request"), Map.entry(403, "Forbidden"),
            Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"), Map.entry(406, "Not Acceptable"),
            Map.entry(408, "Request Timeout"), Map.entry(411, "Length Required"),
            Map.entry(413, "Content Too Large"), Map.entry(415, "Unsupported Media Type"),
            Map.entry(431, "Request Header Fields Too Large"), Map.entry(500, "Internal Server Error"),
            Map.entry(501, "Not Implemented"), Map.entry(503, "Service Unavailable"),
            Map.entry(505, "HTTP Version Not Supported"));

    private HttpResponse() {
    }

    /**
     * An ordinary answer. HEAD gets GET's headers, Content-Length included, and no body. 204 has neither a body
     * nor a Content-Length (RFC 9110 8.6).
     */
    static void send(OutputStream out, int status, Map<String, String> headers, byte[] body, boolean head,
                     boolean keepAlive) throws IOException {
        StringBuilder text = statusLine(status);
        headers.forEach((name, value) -> header(text, name, value));
        if (status != 204) {
            header(text, "Content-Length", String.valueOf(body.length));
        }
        header(text, "Connection", keepAlive ? "keep-alive" : "close");
        text.append("\r\n");
        out.write(text.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!head && status != 204) {
            out.write(body);
        }
        out.flush();
    }

    /** An error as JSON: {@code {"error": "..."}}. */
    static void sendJson(OutputStream out, int status, Map<String, String> headers, String json, boolean head,
                         boolean keepAlive) throws IOException {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Content-Type", "application/json");
        send(out, status, all, json.getBytes(StandardCharsets.UTF_8), head, keepAlive);
    }

    /**
     * The head of a response whose length nobody knows: an SSE stream. Without Content-Length and without
     * chunked encoding, HTTP/1.1 says the body runs until the connection closes (RFC 9112 6.3), so the answer
     * says Connection: close and the raw frames follow as they are made. (Chunked would work too; close-delimited
     * keeps the bytes on the wire exactly the SSE frames, which is the point of this lesson.)
     */
    static void startStream(OutputStream out, Map<String, String> headers) throws IOException {
        out.write(streamHead(headers).getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The head {@link #startStream} writes, as text: a stream writer sends it together with its first frame. */
    public static String streamHead(Map<String, String> headers) {
        StringBuilder text = statusLine(200);
        headers.forEach((name, value) -> header(text, name, value));
        header(text, "Connection", "close");
        return text.append("\r\n").toString();
    }

    /** {@code 100 Continue}: the client that asked for it may now send its body. */
    static void sendContinue(OutputStream out) throws IOException {
        out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static StringBuilder statusLine(int status) {
        return new StringBuilder(256).append("HTTP/1.1 ").append(status).append(' ')
                .append(REASONS.getOrDefault(status, "Unknown")).append("\r\n");
    }

    private static void header(StringBuilder text, String name, String value) {
        // a value that came from a request (an echoed Origin) must not be able to start a header of its own
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a header value with a line break: " + name);
        }
        text.append(name).append(": ").append(value).append("\r\n");
    }
}
