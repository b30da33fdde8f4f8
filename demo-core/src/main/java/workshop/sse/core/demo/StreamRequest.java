package workshop.sse.core.demo;

import java.util.function.Function;

/**
 * A request for a stream ({@code GET} or {@code HEAD} of {@code /api/counter} or {@code /api/broadcast}), as each
 * server reads it from its own request API: named parts, so that no two strings can be swapped.
 *
 * @param head        a HEAD request: the stream's headers, no stream
 * @param accept      the {@code Accept} header, null when absent
 * @param lastEventId the {@code Last-Event-ID} header, null when absent
 * @param query       a query parameter's (decoded) value by name, null when absent
 */
public record StreamRequest(boolean head, String accept, String lastEventId, Function<String, String> query) {
}
