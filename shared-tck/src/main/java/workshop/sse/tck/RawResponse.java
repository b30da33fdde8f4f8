package workshop.sse.tck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A complete HTTP response read off a raw socket: its head and its (de-chunked) body. */
public record RawResponse(HttpHead head, byte[] body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public int status() {
        return head.status();
    }

    public String header(String name) {
        return head.header(name);
    }

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public JsonNode json() {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("body is not JSON: " + Printable.of(text()), e);
        }
    }

    /** Head and body on one line, for failure messages. */
    public String describe() {
        return head.describe() + " | body " + Printable.of(text());
    }
}
