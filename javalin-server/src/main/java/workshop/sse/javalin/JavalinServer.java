package workshop.sse.javalin;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.staticfiles.Location;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import workshop.sse.core.demo.PublishRequest;
import workshop.sse.core.demo.SseDemo;
import workshop.sse.core.http.ApiError;
import workshop.sse.core.http.HeadRules;
import workshop.sse.core.http.Routes;
import workshop.sse.core.http.StaticFiles;
import workshop.sse.core.launch.Launcher;
import workshop.sse.core.launch.Settings;

/** The demo on Javalin: routes, cross-origin headers, errors as JSON, and the static page. */
public final class JavalinServer implements Launcher.Running {

    private static final String STACK = "Javalin " + Javalin.class.getPackage().getImplementationVersion() + " on Jetty "
            + org.eclipse.jetty.server.Server.getVersion();

    private static final long STOP_TIMEOUT_MS = 3000;

    private final Javalin app;
    private final SseDemo demo;

    private JavalinServer(Javalin app, SseDemo demo) {
        this.app = app;
        this.demo = demo;
    }

    public static JavalinServer start(Settings settings) {
        SseDemo demo = new SseDemo("javalin", STACK, settings);
        SseEndpoints streams = new SseEndpoints(demo);
        HeadTimeout headTimeout = new HeadTimeout();
        Javalin app = Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true; // a stream's writer parks a virtual thread, not a platform one
            config.startup.showJavalinBanner = false;
            config.staticFiles.add("/static", Location.CLASSPATH);
            config.jetty.addConnector((server, http) -> {
                // Jetty's own factory, but for the status of two bad heads: see HeadErrorStatus.
                ServerConnector connector = new ServerConnector(server, new HeadErrorStatus(http));
                connector.setHost(settings.host());
                connector.setPort(settings.port());
                // A deep accept queue: with the JDK's default of 50, a burst of reconnecting clients (after
                // POST /api/disconnect, say) overflows it and some wait a second for their SYN to be resent.
                connector.setAcceptQueueSize(4096);
                // A write blocked on a client that stopped reading fails after this long; heartbeats keep live
                // streams from ever being this idle. Never before the head deadline, though: a connection waiting
                // for its head is HeadTimeout's, which answers 408 at 15 s (Jetty would close it without a word).
                connector.setIdleTimeout(Math.max(2L * settings.heartbeatMs() + 1000, HeadRules.DEADLINE_MS + 5000));
                connector.addEventListener(headTimeout);
                return connector;
            });
            config.jetty.modifyServer(server -> {
                // On stop, Jetty waits for the responses still finishing (the streams that closing the demo ended)
                // instead of recycling them under Javalin's feet, which logs a stack trace per stream.
                GracefulHandler graceful = new GracefulHandler();
                graceful.setHandler(headTimeout); // Javalin's handler goes inside these two
                server.setHandler(graceful);
                server.setStopTimeout(STOP_TIMEOUT_MS);
            });
            // Javalin's SseHandler streams only when Accept names text/event-stream; see AcceptForSseHandler.
            config.jetty.modifyServletContextHandler(handler -> AcceptForSseHandler.install(handler));

            config.routes.before("/api/*", ctx -> {
                demo.crossOrigin().headersFor(ctx.header("Origin")).forEach(ctx::header);
                Routes.check(ctx.method().name(), ctx.path());
            });
            config.routes.get(Routes.COUNTER, streams::counter);
            config.routes.head(Routes.COUNTER, streams::counter);
            config.routes.get(Routes.BROADCAST, streams::broadcast);
            config.routes.head(Routes.BROADCAST, streams::broadcast);
            config.routes.post(Routes.BROADCAST, ctx -> json(ctx, 202, demo.publish(new PublishRequest(
                    ctx.header("Origin"), ctx.header("Content-Type"), ctx.req().getContentLengthLong(), ctx.queryString()),
                    ctx.req().getInputStream())));
            config.routes.post(Routes.DISCONNECT, ctx -> json(ctx, 200, demo.disconnectAll(ctx.header("Origin"))));
            config.routes.get(Routes.STATUS, ctx -> json(ctx, 200, demo.statusJson()));
            config.routes.head(Routes.STATUS, ctx -> json(ctx, 200, demo.statusJson()));
            for (String path : new String[] {Routes.COUNTER, Routes.BROADCAST, Routes.DISCONNECT, Routes.STATUS}) {
                config.routes.options(path, ctx -> {
                    demo.crossOrigin().preflight(ctx.header("Origin")).forEach(ctx::header);
                    ctx.status(204);
                });
            }

            config.routes.exception(ApiError.class, (error, ctx) -> {
                error.headers().forEach(ctx::header);
                json(ctx, error.status(), error.json());
            });
            config.routes.exception(Exception.class, (error, ctx) -> {
                // Jetty's own client errors (a body that ends early, a malformed chunk) keep their 4xx: not a failure
                if (error instanceof org.eclipse.jetty.http.HttpException http && http.getCode() >= 400
                        && http.getCode() < 500) {
                    json(ctx, http.getCode(), new ApiError(http.getCode(),
                            "The request body was malformed or ended early.").json());
                    return;
                }
                System.err.println("javalin: " + ctx.method() + " " + ctx.path() + " failed: " + error);
                json(ctx, 500, new ApiError(500, "The server failed to answer this request.").json());
            });
            config.routes.error(404, ctx -> {
                if (Routes.isApi(ctx.path())) {
                    return; // already answered as JSON by Routes.check
                }
                if (StaticFiles.find(ctx.path()) != null) { // a file of static/, asked with another method than GET
                    ctx.header("Allow", StaticFiles.METHODS);
                    json(ctx, 405, ApiError.methodNotAllowed(ctx.method().name(), ctx.path(), StaticFiles.METHODS).json());
                } else {
                    json(ctx, 404, ApiError.notFound(ctx.path()).json());
                }
            });
        });
        app.start();
        return new JavalinServer(app, demo);
    }

    private static void json(Context ctx, int status, String body) {
        ctx.status(status).contentType("application/json").result(body);
    }

    @Override
    public int port() {
        return app.port();
    }

    /** Ends every stream (the writers finish their responses), then stops Jetty. */
    @Override
    public void close() {
        demo.close();
        app.stop();
    }

    static boolean isHead(Context ctx) {
        return ctx.method() == HandlerType.HEAD;
    }
}
