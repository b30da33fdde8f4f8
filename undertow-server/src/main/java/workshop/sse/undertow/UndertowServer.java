package workshop.sse.undertow;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.Version;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.ByteBuffer;
import java.util.Deque;
import java.util.Map;
import org.xnio.Options;
import workshop.sse.core.ApiError;
import workshop.sse.core.Launcher;
import workshop.sse.core.Routes;
import workshop.sse.core.Settings;
import workshop.sse.core.SseDemo;
import workshop.sse.core.StaticFiles;

/**
 * The demo on Undertow: one plain {@link HttpHandler} routes, adds the cross-origin headers, answers errors as JSON
 * and serves the static page. Undertow calls it on an XNIO IO thread; what may block (reading a POST body or a
 * file) is dispatched to Undertow's worker pool first.
 */
public final class UndertowServer implements Launcher.Running, HttpHandler {

    static {
        // Undertow and XNIO log through JBoss Logging, which would pick java.util.logging and print INFO lines;
        // through SLF4J, simplelogger.properties keeps warnings only, as in the Javalin module.
        System.setProperty("org.jboss.logging.provider", "slf4j");
    }

    private static final String STACK = "Undertow " + Version.getVersionString() + " (XNIO)";
    private static final long HEAD_DEADLINE_MS = 15_000;

    private final SseDemo demo;
    private final SseEndpoints streams;
    private Undertow undertow;

    private UndertowServer(SseDemo demo) {
        this.demo = demo;
        this.streams = new SseEndpoints(demo);
    }

    public static UndertowServer start(Settings settings) {
        UndertowServer server = new UndertowServer(new SseDemo("undertow", STACK, settings));
        server.undertow = Undertow.builder()
                .addHttpListener(settings.port(), settings.host())
                // Undertow refuses a head past this with 400; HeadTooLarge answers 431 from 8 KiB on.
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, HeadTooLarge.PARSER_LIMIT)
                // Its default of 200 headers would also be a 400: many small headers are judged by size (431) too.
                .setServerOption(UndertowOptions.MAX_HEADERS, HeadTooLarge.PARSER_LIMIT / 8)
                // Slowloris: 15 s to the first byte of a head (after opening or after the previous response) ...
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, (int) HEAD_DEADLINE_MS)
                // ... and 15 s from that byte to the end of the head.
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, (int) HEAD_DEADLINE_MS)
                // A deep accept queue: a burst of reconnecting clients overflows the JDK's default of 50.
                .setSocketOption(Options.BACKLOG, 4096)
                .setHandler(HeadTooLarge.wrap(server))
                .build();
        server.undertow.start();
        return server;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String path = exchange.getRequestPath();
        try {
            if (Routes.isApi(path)) {
                api(exchange, path);
            } else {
                staticFile(exchange, path);
            }
        } catch (ApiError error) {
            error.headers().forEach((name, value) -> exchange.getResponseHeaders().put(new HttpString(name), value));
            json(exchange, error.status(), error.json());
        }
    }

    private void api(HttpServerExchange exchange, String path) throws Exception {
        String origin = header(exchange, "Origin");
        put(exchange, demo.crossOrigin().headersFor(origin));
        String method = exchange.getRequestMethod().toString();
        Routes.check(method, path);
        if (method.equals("OPTIONS")) {
            put(exchange, demo.crossOrigin().preflight(origin));
            exchange.setStatusCode(204).endExchange();
            return;
        }
        switch (path) {
            case Routes.COUNTER -> streams.counter(exchange);
            case Routes.BROADCAST -> {
                if (method.equals("POST")) {
                    if (dispatched(exchange)) {
                        return;
                    }
                    exchange.startBlocking();
                    // Not closed: closing Undertow's input stream reads the rest of the body, which a refusal must not
                    try {
                        long contentLength;
                        try {
                            contentLength = exchange.getRequestContentLength();
                        } catch (NumberFormatException e) { // an overflowing Content-Length: Undertow lets it through
                            throw new ApiError(400, "The Content-Length header is not a valid length.");
                        }
                        json(exchange, 202, demo.publish(origin, header(exchange, "Content-Type"), contentLength,
                                query(exchange, "event"), exchange.getInputStream()));
                    } catch (ApiError refused) {
                        // and the rest of a refused body is never read: the connection closes after the answer.
                        exchange.setPersistent(false);
                        throw refused;
                    }
                } else {
                    streams.broadcast(exchange);
                }
            }
            case Routes.DISCONNECT -> json(exchange, 200, demo.disconnectAll(origin));
            default -> json(exchange, 200, demo.statusJson()); // Routes.check let only /api/status through
        }
    }

    private void staticFile(HttpServerExchange exchange, String path) throws Exception {
        URL file = StaticFiles.find(path);
        if (file == null) {
            throw ApiError.notFound(path);
        }
        HttpString method = exchange.getRequestMethod();
        if (!method.equals(Methods.GET) && !method.equals(Methods.HEAD)) {
            throw ApiError.methodNotAllowed(method.toString(), path, "GET, HEAD");
        }
        if (dispatched(exchange)) {
            return;
        }
        byte[] bytes;
        try (InputStream in = file.openStream()) {
            bytes = in.readAllBytes();
        }
        exchange.getResponseHeaders().put(new HttpString("Content-Type"), StaticFiles.contentType(file.getPath()));
        exchange.getResponseSender().send(ByteBuffer.wrap(bytes));
    }

    /** Work that may block leaves the IO thread: true when the exchange was handed to a worker thread. */
    private boolean dispatched(HttpServerExchange exchange) {
        if (exchange.isInIoThread()) {
            exchange.dispatch(this);
            return true;
        }
        return false;
    }

    static void json(HttpServerExchange exchange, int status, String body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(new HttpString("Content-Type"), "application/json");
        exchange.getResponseSender().send(body);
    }

    static void put(HttpServerExchange exchange, Map<String, String> headers) {
        headers.forEach((name, value) -> exchange.getResponseHeaders().put(new HttpString(name), value));
    }

    static String header(HttpServerExchange exchange, String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /** A query parameter, null when absent ({@code ?event=} is present and empty). */
    static String query(HttpServerExchange exchange, String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    @Override
    public int port() {
        return ((InetSocketAddress) undertow.getListenerInfo().getFirst().getAddress()).getPort();
    }

    /** Ends every stream (each pump closes its connection), then stops Undertow. */
    @Override
    public void close() {
        demo.close();
        undertow.stop();
    }
}
