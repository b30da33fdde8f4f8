package workshop.sse.rawsocket.selftest;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A response head from the server (the status line first, no line ends) and, for an answer whose length is known, its
 * body; a stream's body is not here, its frames pass one by one.
 *
 * @param head the head exactly as it came, or null once changed (then it is written from its lines, with CRLF)
 * @param body the whole body, or null for a stream (or a body that runs until the connection closes)
 */
record Response(List<String> lines, byte[] head, byte[] body) {

    static Response parse(byte[] head) {
        return new Response(Wire.lines(head), head, null);
    }

    /** An answer the proxy makes itself. */
    static Response of(int status, String reason, String contentType, byte[] body) {
        List<String> lines = new ArrayList<>(List.of("HTTP/1.1 " + status + " " + reason));
        if (contentType != null) {
            lines.add("Content-Type: " + contentType);
        }
        return new Response(lines, null, null).withBody(body);
    }

    static Response json(int status, String reason, String json) {
        return of(status, reason, "application/json", json.getBytes(UTF_8));
    }

    int status() {
        String[] words = lines.get(0).split(" ");
        return words.length > 1 && words[1].matches("\\d{3}") ? Integer.parseInt(words[1]) : -1;
    }

    String header(String name) {
        return Wire.header(lines, name);
    }

    boolean has(String name) {
        return header(name) != null;
    }

    /** A 200 whose Content-Type is text/event-stream. */
    boolean isEventStream() {
        String type = header("Content-Type");
        return status() == 200 && type != null && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
    }

    Response withStatus(int status, String reason) {
        List<String> changed = new ArrayList<>(lines);
        changed.set(0, "HTTP/1.1 " + status + " " + reason);
        return new Response(List.copyOf(changed), null, body);
    }

    /** Every header of that name replaced by one with {@code value}, or removed when {@code value} is null. */
    Response with(String name, String value) {
        return new Response(List.copyOf(Wire.withHeader(lines, name, value)), null, body);
    }

    Response without(String name) {
        return with(name, null);
    }

    /** Another body, its Content-Length said. */
    Response withBody(byte[] changed) {
        return new Response(Wire.withHeader(lines, "Content-Length", String.valueOf(changed.length)), null, changed);
    }

    /** The body as it came, the head unchanged. */
    Response withSameBody(byte[] body) {
        return new Response(lines, head, body);
    }

    String bodyText() {
        return body == null ? "" : new String(body, UTF_8);
    }

    /** The head, and the body when there is one here. */
    byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head != null ? head : Wire.head(lines));
        if (body != null) {
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    @Override
    public String toString() {
        return lines.get(0);
    }
}
