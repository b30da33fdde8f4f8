package workshop.sse.rawsocket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import workshop.sse.core.demo.PublishRequest;
import workshop.sse.core.demo.SseDemo.Opening;
import workshop.sse.core.demo.SseDemo;
import workshop.sse.core.demo.StreamRequest;
import workshop.sse.core.http.ApiError;
import workshop.sse.core.http.Routes;
import workshop.sse.core.http.StaticFiles;
import workshop.sse.rawsocket.http.Answer;
import workshop.sse.rawsocket.http.Handler;
import workshop.sse.rawsocket.http.HttpRequest;

/**
 * What to answer a request, decided apart from how it is written: the API (with its cross-origin headers on every
 * answer, errors included) and the static files. HTTP framing is Connection's job, SSE writing StreamPump's.
 */
final class Router implements Handler {

    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

    private final SseDemo demo;

    Router(SseDemo demo) {
        this.demo = demo;
    }

    @Override
    public Answer answer(HttpRequest request) throws IOException {
        if (Routes.isApi(request.path())) {
            Map<String, String> cors = demo.crossOrigin().headersFor(request.header("Origin"));
            try {
                return api(request, cors);
            } catch (ApiError error) {
                return Answer.error(error, cors);
            }
        }
        try {
            return file(request);
        } catch (ApiError error) {
            return Answer.error(error, Map.of());
        }
    }

    private Answer api(HttpRequest request, Map<String, String> cors) throws IOException {
        String method = request.method();
        String path = request.path();
        Routes.check(method, path); // 404 or 405 with Allow
        String origin = request.header("Origin");
        if (method.equals("OPTIONS")) {
            return new Answer.Plain(204, demo.crossOrigin().preflight(origin), new byte[0]);
        }
        return switch (path) {
            case Routes.STATUS -> json(200, cors, demo.statusJson());
            case Routes.DISCONNECT -> json(200, cors, demo.disconnectAll(origin));
            case Routes.BROADCAST -> method.equals("POST")
                    ? json(202, cors, demo.publish(new PublishRequest(origin, request.header("Content-Type"),
                            request.body().length(), request.rawQuery()), request.body()))
                    : stream(cors, demo.openBroadcast(streamRequest(request)));
            case Routes.COUNTER -> stream(cors, demo.openCounter(streamRequest(request)));
            default -> throw ApiError.notFound(path);
        };
    }

    /** The demo decided already (406, 400, 204, 503 were thrown or returned before anything is written). */
    private static Answer stream(Map<String, String> cors, Opening opening) {
        Map<String, String> headers = new LinkedHashMap<>(SseDemo.STREAM_HEADERS);
        headers.putAll(cors);
        return switch (opening) {
            case Opening.Opened opened -> new Answer.Stream(headers, opened.stream());
            case Opening.HeadersOnly head -> new Answer.StreamHeaders(headers);
            case Opening.Finished finished -> new Answer.Plain(204, cors, new byte[0]);
        };
    }

    /** A file of static/: StaticFiles refuses any path with a {@code ..} segment, so nothing outside it is served. */
    private static Answer file(HttpRequest request) throws IOException {
        StaticFiles.File file = StaticFiles.get(request.method(), request.path());
        return new Answer.Plain(200, Map.of("Content-Type", file.contentType()), file.bytes());
    }

    private static Answer json(int status, Map<String, String> cors, String body) {
        Map<String, String> headers = new LinkedHashMap<>(cors);
        headers.putAll(JSON);
        return new Answer.Plain(status, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    private static StreamRequest streamRequest(HttpRequest request) {
        return new StreamRequest(request.isHead(), request.header("Accept"), request.header("Last-Event-ID"),
                request::query);
    }
}
