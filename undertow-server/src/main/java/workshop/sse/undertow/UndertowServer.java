package workshop.sse.undertow;

import io.undertow.UndertowOptions;
import io.undertow.Version;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.Protocols;
import java.nio.ByteBuffer;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.xnio.OptionMap;
import workshop.sse.core.demo.SseDemo;
import workshop.sse.core.http.ApiError;
import workshop.sse.core.http.Routes;
import workshop.sse.core.http.StaticFiles;
import workshop.sse.core.launch.Launcher;
import workshop.sse.core.launch.Settings;

/**
 * The demo on Undertow: one plain {@link HttpHandler} routes, adds the cross-origin headers, answers errors as JSON
 * and serves the static page. Undertow calls it on an XNIO IO thread, which must never block: a POST body is read
 * as it arrives ({@link Publish}), and what may block (reading a file, fanning a publish out) runs on a virtual thread.
 */
public final class UndertowServer implements Launcher.Running, HttpHandler {

    static {
        // Undertow and XNIO log through JBoss Logging, which would pick java.util.logging and print INFO lines;
        // through SLF4J, simplelogger.properties keeps warnings only, as in the Javalin module.
        System.setProperty("org.jboss.logging.provider", "slf4j");
    }

    private static final String STACK = "Undertow " + Version.getVersionString() + " (XNIO)";
    /** Where the IO thread hands work that may block; not XNIO's worker pool, whose platform threads it would park. */
    static final Executor BLOCKING_WORK = Executors.newVirtualThreadPerTaskExecutor();

    private final SseDemo demo;
    private final SseEndpoints streams;
    /** Slowloris: 408 for a head not complete 15 s after its connection opened or its previous response. */
    private final HeadTimeout heads = new HeadTimeout();
    private Listener listener;

    private UndertowServer(SseDemo demo) {
        this.demo = demo;
        this.streams = new SseEndpoints(demo);
    }

    public static UndertowServer start(Settings settings) {
        UndertowServer server = new UndertowServer(new SseDemo("undertow", STACK, settings));
        OptionMap options = OptionMap.builder()
                // Undertow refuses a head past this with 400; HeadTooLarge answers 431 from 8 KiB on.
                .set(UndertowOptions.MAX_HEADER_SIZE, HeadTooLarge.PARSER_LIMIT)
                // Its default of 200 headers would also be a 400: many small headers are judged by size (431) too.
                .set(UndertowOptions.MAX_HEADERS, HeadTooLarge.PARSER_LIMIT / 8)
                // No body limit of Undertow's: past it, a chunk's declared size makes Undertow print a stack trace
                // and drop the connection unanswered. A publish reads at most its limit and answers 413; any other
                // request's body is never read at all (see closeIfUnreadBody).
                .set(UndertowOptions.MAX_ENTITY_SIZE, -1L)
                // Off, where Undertow's builder turns it on: when more bytes follow a request, Undertow then writes
                // the connection's answers into a PipeliningBufferingStreamSinkConduit, whose flush does nothing, and
                // sends them once an exchange ends with nothing read after it (or 16 KiB pile up). A stream request
                // followed by another would send nothing, and an answer followed by bytes that never make a whole
                // request would never leave (SPEC 10.7).
                .set(UndertowOptions.BUFFER_PIPELINED_DATA, false)
                .getMap();
        // What Undertow does not do as the SPEC asks, around the demo: HeadTimeout (10.4), SentVersion (10.2),
        // HeadTooLarge (10.3). The first two hear of each connection as it is accepted.
        HttpHandler root = server.heads.wrap(SentVersion.wrap(HeadTooLarge.wrap(nextRequestOnIoThread(server))));
        try {
            server.listener = Listener.start(settings.host(), settings.port(), options, root, connection -> {
                SentVersion.install(connection);
                server.heads.opened(connection);
            });
        } catch (RuntimeException e) { // the port is taken, say
            server.heads.close();
            throw e;
        }
        return server;
    }

    /**
     * A pipelined request, read after an exchange that ended off the IO thread (a publish, a file), is read and
     * started by that exchange's dispatch executor, XNIO's worker pool when it names none, whose platform threads
     * would pile up: it is named the IO thread, which reads and starts every other request.
     */
    private static HttpHandler nextRequestOnIoThread(HttpHandler next) {
        return exchange -> {
            exchange.addExchangeCompleteListener((done, nextListener) -> {
                done.setDispatchExecutor(done.getIoThread());
                nextListener.proceed();
            });
            next.handleRequest(exchange);
        };
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String path = exchange.getRequestPath();
        closeIfUnreadBody(exchange);
        try {
            checkVersion(exchange);
            if (Routes.isApi(path)) {
                api(exchange, path);
            } else {
                staticFile(exchange, path);
            }
        } catch (ApiError error) {
            refuse(exchange, error);
        }
    }

    /**
     * Only HTTP/1.x is spoken here (a later minor version as 1.1, which Undertow makes of it). Undertow would answer
     * HTTP/0.9 in kind, and its parser takes HTTP/3.0 for HTTP/1.1: the version is checked as it was sent.
     */
    private static void checkVersion(HttpServerExchange exchange) {
        String version = SentVersion.of(exchange);
        if (!version.startsWith("HTTP/1.")) {
            exchange.setProtocol(Protocols.HTTP_1_1);
            exchange.setPersistent(false);
            throw new ApiError(505, "Only HTTP/1.0 and HTTP/1.1 are spoken here, not " + version + ".");
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
                    Publish.handle(exchange, demo, origin);
                } else {
                    streams.broadcast(exchange);
                }
            }
            case Routes.DISCONNECT -> json(exchange, 200, demo.disconnectAll(origin));
            default -> json(exchange, 200, demo.statusJson()); // Routes.check let only /api/status through
        }
    }

    private void staticFile(HttpServerExchange exchange, String path) throws Exception {
        if (dispatched(exchange)) { // reading the file may block
            return;
        }
        StaticFiles.File file = StaticFiles.get(exchange.getRequestMethod().toString(), path);
        exchange.getResponseHeaders().put(new HttpString("Content-Type"), file.contentType());
        exchange.getResponseSender().send(ByteBuffer.wrap(file.bytes()));
    }

    /** Work that may block leaves the IO thread: true when the exchange was handed over to {@link #BLOCKING_WORK}. */
    private boolean dispatched(HttpServerExchange exchange) {
        if (exchange.isInIoThread()) {
            exchange.dispatch(BLOCKING_WORK, this);
            return true;
        }
        return false;
    }

    /**
     * Closes the connection after the answer when the request has a body that nothing here reads (only a publish
     * does): Undertow would otherwise read the whole body, however long, to keep the connection.
     */
    private static void closeIfUnreadBody(HttpServerExchange exchange) {
        boolean publish = exchange.getRequestMethod().equals(Methods.POST) && exchange.getRequestPath().equals(Routes.BROADCAST);
        if (!exchange.isRequestComplete() && !publish) {
            exchange.setPersistent(false);
        }
    }

    /** Answers with the JSON {@code body} gives, or with the error it throws. */
    static void answer(HttpServerExchange exchange, int status, Supplier<String> body) {
        try {
            closeIfUnreadBody(exchange);
            json(exchange, status, body.get());
        } catch (ApiError error) {
            refuse(exchange, error);
        }
    }

    static void refuse(HttpServerExchange exchange, ApiError error) {
        if (!exchange.isRequestComplete()) {
            exchange.setPersistent(false); // the rest of a refused body is never read: close after the answer
        }
        put(exchange, error.headers());
        json(exchange, error.status(), error.json());
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
        return listener.port();
    }

    /** Ends every stream (each pump closes its connection), then stops Undertow. */
    @Override
    public void close() {
        demo.close();
        listener.close();
        heads.close();
    }
}
