package workshop.sse.undertow;

import io.undertow.Version;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import workshop.sse.core.demo.SseDemo;
import workshop.sse.core.http.ApiError;
import workshop.sse.core.http.Routes;
import workshop.sse.core.http.StaticFiles;
import workshop.sse.core.launch.Launcher;
import workshop.sse.core.launch.Settings;
import workshop.sse.undertow.hardening.UndertowHardening;
import static workshop.sse.undertow.http.Exchanges.header;
import static workshop.sse.undertow.http.Exchanges.json;
import static workshop.sse.undertow.http.Exchanges.put;
import static workshop.sse.undertow.http.Exchanges.refuse;

/**
 * The demo on Undertow: one plain {@link HttpHandler} routes, adds the cross-origin headers, answers errors as JSON
 * and serves the static page. Undertow calls it on an XNIO IO thread, which must never block: a POST body is read
 * as it arrives ({@link Publish}), and what may block (reading a file, fanning a publish out) runs on a virtual thread.
 */
public final class UndertowServer implements Launcher.Running, HttpHandler {

    private static final String STACK = "Undertow " + Version.getVersionString() + " (XNIO)";
    /** Where the IO thread hands work that may block; not XNIO's worker pool, whose platform threads it would park. */
    static final Executor BLOCKING_WORK = Executors.newVirtualThreadPerTaskExecutor();

    private final SseDemo demo;
    private final SseEndpoints streams;
    private final UndertowHardening hardening = new UndertowHardening();

    private UndertowServer(SseDemo demo) {
        this.demo = demo;
        this.streams = new SseEndpoints(demo);
    }

    public static UndertowServer start(Settings settings) {
        UndertowServer server = new UndertowServer(new SseDemo("undertow", STACK, settings));
        server.hardening.start(settings.host(), settings.port(),
                settings.tls() == null ? null : settings.tls().sslContext(), server);
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
            refuse(exchange, error);
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

    @Override
    public int port() {
        return hardening.port();
    }

    /** Ends every stream (each pump closes its connection), then stops Undertow. */
    @Override
    public void close() {
        demo.close();
        hardening.close();
    }
}
