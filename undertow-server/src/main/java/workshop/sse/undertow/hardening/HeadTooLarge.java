package workshop.sse.undertow.hardening;

import io.undertow.server.HttpHandler;
import io.undertow.util.HeaderValues;
import workshop.sse.core.http.HeadRules;

/**
 * 431 for a request head over 8 KiB. Undertow's parser refuses a head past its {@code MAX_HEADER_SIZE} with a
 * plain 400, so the parser is given room up to {@link #PARSER_LIMIT} and this handler, first in line, measures the
 * head and answers 431 itself. A head past the parser's limit still gets Undertow's 400 (the kit allows any body,
 * not any status: the SPEC's 431 holds for heads up to 64 KiB).
 */
final class HeadTooLarge {

    static final int PARSER_LIMIT = 64 * 1024;

    private HeadTooLarge() {
    }

    static HttpHandler wrap(HttpHandler next) {
        return exchange -> {
            if (headSize(exchange) > HeadRules.MAX_BYTES) {
                exchange.setPersistent(false);
                exchange.setStatusCode(431).endExchange();
                return;
            }
            next.handleRequest(exchange);
        };
    }

    /** The head's size as it came: request line, "Name: value" lines, each with its CRLF, and the blank line. */
    private static long headSize(io.undertow.server.HttpServerExchange exchange) {
        String query = exchange.getQueryString();
        long size = exchange.getRequestMethod().length() + 1 + exchange.getRequestURI().length()
                + (query == null || query.isEmpty() ? 0 : 1 + query.length()) + 1 + exchange.getProtocol().length() + 2;
        for (HeaderValues header : exchange.getRequestHeaders()) {
            for (String value : header) {
                size += header.getHeaderName().length() + 2 + value.length() + 2;
            }
        }
        return size + 2;
    }
}
