package workshop.sse.core.demo;

/**
 * The head of a {@code POST /api/broadcast}, as each server reads it from its own request API: named parts, so that
 * no two strings can be swapped.
 *
 * @param origin        the {@code Origin} header, null when absent
 * @param contentType   the {@code Content-Type} header, null when absent
 * @param contentLength the declared {@code Content-Length}, or -1 when there is none (chunked)
 * @param rawQuery      the query as sent (still percent-encoded), null when there is none: the event name comes from
 *                      it
 */
public record PublishRequest(String origin, String contentType, long contentLength, String rawQuery) {
}
