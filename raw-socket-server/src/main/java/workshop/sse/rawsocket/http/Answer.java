package workshop.sse.rawsocket.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import workshop.sse.core.http.ApiError;
import workshop.sse.core.wire.SseStream;

/** An answer to write: what a {@link Handler} decides, and {@link Connection} writes. */
public sealed interface Answer {

    /** An ordinary response with a known body. */
    record Plain(int status, Map<String, String> headers, byte[] body) implements Answer {
    }

    /** 200 and an SSE stream: the headers, then the stream's frames until it ends. */
    record Stream(Map<String, String> headers, SseStream stream) implements Answer {
    }

    /** HEAD on a stream endpoint: the stream's headers and no body. */
    record StreamHeaders(Map<String, String> headers) implements Answer {
    }

    /** Every error the application answers has a JSON body, and keeps its extra headers (Allow, Retry-After). */
    static Answer error(ApiError error, Map<String, String> cors) {
        Map<String, String> headers = new LinkedHashMap<>(cors);
        headers.putAll(error.headers());
        headers.put("Content-Type", "application/json");
        return new Answer.Plain(error.status(), headers, error.json().getBytes(StandardCharsets.UTF_8));
    }
}
