package workshop.sse.helidon.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;

/** Reading a request and sending an answer with Helidon's request and response: the plumbing every route shares. */
public final class Exchanges {

    private Exchanges() {
    }

    public static String header(ServerRequest req, String name) {
        return req.headers().first(HeaderNames.create(name)).orElse(null);
    }

    /** A query parameter, null when absent ({@code ?event=} is present and empty). */
    public static String query(ServerRequest req, String name) {
        return req.query().contains(name) ? req.query().get(name) : null;
    }

    public static boolean isHead(ServerRequest req) {
        return req.prologue().method() == Method.HEAD;
    }

    public static boolean isHttp2(ServerRequest req) {
        return "2.0".equals(req.prologue().protocolVersion());
    }

    public static void json(ServerRequest req, ServerResponse res, int status, String body) {
        send(req, res, status, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Helidon sends a body whatever the method, so on HEAD it is left out here, and GET's Content-Length is
     * declared by hand (an empty send() keeps a length already set).
     */
    public static void send(ServerRequest req, ServerResponse res, int status, String type, byte[] body) {
        res.status(status).header(HeaderNames.CONTENT_TYPE, type);
        try {
            if (isHead(req)) {
                res.header(HeaderNames.CONTENT_LENGTH, String.valueOf(body.length));
                res.send();
            } else {
                res.send(body);
            }
        } catch (ServerConnectionException gone) {
            // the client left before its answer: nothing to tell (Helidon would log a stack trace from an error handler)
        }
    }
}
