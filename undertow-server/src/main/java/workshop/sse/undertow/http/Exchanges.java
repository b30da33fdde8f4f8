package workshop.sse.undertow.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.util.Deque;
import java.util.Map;
import java.util.function.Supplier;
import workshop.sse.core.http.ApiError;
import workshop.sse.undertow.hardening.UndertowHardening;

/** Reading a request and answering it in JSON on an {@link HttpServerExchange}: the plumbing every route shares. */
public final class Exchanges {

    private Exchanges() {
    }

    public static String header(HttpServerExchange exchange, String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /** A query parameter, null when absent ({@code ?event=} is present and empty). */
    public static String query(HttpServerExchange exchange, String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    public static boolean isHead(HttpServerExchange exchange) {
        return exchange.getRequestMethod().toString().equals("HEAD");
    }

    /** The declared length, -1 when there is none (chunked). */
    public static long contentLength(HttpServerExchange exchange) {
        try {
            return exchange.getRequestContentLength();
        } catch (NumberFormatException e) { // an overflowing Content-Length: Undertow lets it through
            throw new ApiError(400, "The Content-Length header is not a valid length.");
        }
    }

    public static void put(HttpServerExchange exchange, Map<String, String> headers) {
        headers.forEach((name, value) -> exchange.getResponseHeaders().put(new HttpString(name), value));
    }

    public static void json(HttpServerExchange exchange, int status, String body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(new HttpString("Content-Type"), "application/json");
        exchange.getResponseSender().send(body);
    }

    /** Answers with the JSON {@code body} gives, or with the error it throws. */
    public static void answer(HttpServerExchange exchange, int status, Supplier<String> body) {
        try {
            UndertowHardening.closeIfUnreadBody(exchange);
            json(exchange, status, body.get());
        } catch (ApiError error) {
            refuse(exchange, error);
        }
    }

    public static void refuse(HttpServerExchange exchange, ApiError error) {
        if (!exchange.isRequestComplete()) {
            exchange.setPersistent(false); // the rest of a refused body is never read: close after the answer
        }
        put(exchange, error.headers());
        json(exchange, error.status(), error.json());
    }
}
