package workshop.sse.javalin;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import workshop.sse.core.demo.PublishRequest;
import workshop.sse.core.demo.SseDemo;
import workshop.sse.core.http.ApiError;
import workshop.sse.core.http.Routes;
import workshop.sse.core.http.StaticFiles;
import workshop.sse.core.launch.Launcher;
import workshop.sse.core.launch.Settings;
import workshop.sse.javalin.hardening.AcceptForSseHandler;
import workshop.sse.javalin.hardening.JettyHardening;
import workshop.sse.javalin.hardening.RecycledRequest;

/** The demo on Javalin: routes, cross-origin headers, errors as JSON, and the static page. */
public final class JavalinServer implements Launcher.Running {

    private static final String STACK = "Javalin " + Javalin.class.getPackage().getImplementationVersion() + " on Jetty "
            + org.eclipse.jetty.server.Server.getVersion();

    private final Javalin app;
    private final SseDemo demo;

    private JavalinServer(Javalin app, SseDemo demo) {
        this.app = app;
        this.demo = demo;
    }

    public static JavalinServer start(Settings settings) {
        SseDemo demo = new SseDemo("javalin", STACK, settings);
        Javalin app = Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true; // a stream's writer parks a virtual thread, not a platform one
            config.startup.showJavalinBanner = false;
            JettyHardening.install(config, settings);
            // Javalin's SseHandler streams only when Accept names text/event-stream; see AcceptForSseHandler.
            config.jetty.modifyServletContextHandler(AcceptForSseHandler::install);
            routes(config, demo);
            errors(config);
        });
        app.start();
        return new JavalinServer(app, demo);
    }

    private static void routes(JavalinConfig config, SseDemo demo) {
        SseEndpoints streams = new SseEndpoints(demo);
        config.routes.before("/api/*", ctx -> {
            demo.crossOrigin().headersFor(ctx.header("Origin")).forEach(ctx::header);
            Routes.check(ctx.method().name(), ctx.path());
        });
        config.routes.get(Routes.COUNTER, streams::counter);
        config.routes.head(Routes.COUNTER, streams::counter);
        config.routes.get(Routes.BROADCAST, streams::broadcast);
        config.routes.head(Routes.BROADCAST, streams::broadcast);
        config.routes.post(Routes.BROADCAST, ctx -> json(ctx, 202, demo.publish(new PublishRequest(ctx.header("Origin"),
                ctx.header("Content-Type"), ctx.req().getContentLengthLong(), ctx.queryString()), ctx.req().getInputStream())));
        config.routes.post(Routes.DISCONNECT, ctx -> json(ctx, 200, demo.disconnectAll(ctx.header("Origin"))));
        config.routes.get(Routes.STATUS, ctx -> json(ctx, 200, demo.statusJson()));
        config.routes.head(Routes.STATUS, ctx -> json(ctx, 200, demo.statusJson()));
        for (String path : new String[] {Routes.COUNTER, Routes.BROADCAST, Routes.DISCONNECT, Routes.STATUS}) {
            config.routes.options(path, ctx -> {
                demo.crossOrigin().preflight(ctx.header("Origin")).forEach(ctx::header);
                ctx.status(204);
            });
        }
        config.routes.get("/*", JavalinServer::staticFile);
        config.routes.head("/*", JavalinServer::staticFile);
    }

    private static void staticFile(Context ctx) throws Exception {
        StaticFiles.File file = StaticFiles.get(ctx.method().name(), ctx.path());
        ctx.contentType(file.contentType()).result(file.bytes());
    }

    private static void errors(JavalinConfig config) {
        config.routes.exception(ApiError.class, (error, ctx) -> refuse(ctx, error));
        config.routes.exception(Exception.class, (error, ctx) -> {
            if (RecycledRequest.isGone(ctx)) {
                return; // a stream's client left and Jetty already finished its request: see RecycledRequest
            }
            // Jetty's own client errors (a body that ends early, a malformed chunk) keep their 4xx: not a failure
            if (error instanceof org.eclipse.jetty.http.HttpException http && http.getCode() >= 400
                    && http.getCode() < 500) {
                refuse(ctx, new ApiError(http.getCode(), "The request body was malformed or ended early."));
                return;
            }
            System.err.println("javalin: " + ctx.method() + " " + ctx.path() + " failed: " + error);
            refuse(ctx, new ApiError(500, "The server failed to answer this request."));
        });
        config.routes.error(404, ctx -> {
            // No route for this method and path. /api was answered by Routes.check, GET and HEAD by staticFile:
            // what is left is a file of static/ asked with another method (405), or no file at all (404).
            if (!Routes.isApi(ctx.path()) && !ctx.method().name().equals("GET") && !isHead(ctx)) {
                try {
                    StaticFiles.get(ctx.method().name(), ctx.path());
                } catch (ApiError error) {
                    refuse(ctx, error);
                }
            }
        });
    }

    private static void refuse(Context ctx, ApiError error) {
        error.headers().forEach(ctx::header);
        json(ctx, error.status(), error.json());
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
