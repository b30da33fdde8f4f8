package workshop.sse.helidon;

import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import workshop.sse.core.demo.PublishRequest;
import workshop.sse.core.demo.SseDemo;
import workshop.sse.core.http.ApiError;
import workshop.sse.core.http.Routes;
import workshop.sse.core.http.StaticFiles;
import workshop.sse.core.launch.Launcher;
import workshop.sse.core.launch.Settings;
import workshop.sse.helidon.hardening.HelidonHardening;
import static workshop.sse.helidon.http.Exchanges.header;
import static workshop.sse.helidon.http.Exchanges.json;
import static workshop.sse.helidon.http.Exchanges.send;

/** The demo on Helidon WebServer 4: routes, cross-origin headers, errors as JSON, and the static page. */
public final class HelidonServer implements Launcher.Running {

    private static final String STACK = "Helidon WebServer " + versionOf(WebServer.class) + " (virtual threads)";

    private final WebServer server;
    private final SseDemo demo;
    private final HelidonHardening hardening;

    private HelidonServer(WebServer server, SseDemo demo, HelidonHardening hardening) {
        this.server = server;
        this.demo = demo;
        this.hardening = hardening;
    }

    public static HelidonServer start(Settings settings) {
        LogConfig.configureRuntime(); // logging.properties: warnings only, so the ready line is the one line
        SseDemo demo = new SseDemo("helidon", STACK, settings);
        HelidonHardening hardening = new HelidonHardening(settings.tls() != null);
        SseEndpoints streams = new SseEndpoints(demo, hardening);
        WebServerConfig.Builder builder = hardening.configure(WebServer.builder())
                .host(settings.host())
                .port(settings.port())
                // Only the protocols the hardening names (HTTP/1.1): left on, Helidon would find HTTP/2 on the class
                // path and serve it in cleartext too (h2c, by Upgrade or prior knowledge). HTTP/2 is for TLS only.
                .protocolsDiscoverServices(false)
                .routing(routing -> routes(routing, demo, streams, hardening));
        if (settings.tls() != null) {
            Https.configure(builder, settings.tls());
        }
        WebServer server = builder.build().start();
        if (!server.isRunning()) { // Helidon logs a failed bind (its port taken) and returns, stopped: not started
            demo.close();
            hardening.close();
            throw new IllegalStateException("Helidon WebServer did not start (its log lines above say why)");
        }
        return new HelidonServer(server, demo, hardening);
    }

    private static void routes(HttpRouting.Builder routing, SseDemo demo, SseEndpoints streams,
                               HelidonHardening hardening) {
        routing.addFilter(hardening::filter);
        routing.addFilter((chain, req, res) -> {
            String path = req.path().path();
            if (Routes.isApi(path)) {
                crossOrigin(demo, req, res);
                Routes.check(req.prologue().method().text(), path);
            }
            chain.proceed();
        });
        routing.get(Routes.COUNTER, streams::counter)
                .head(Routes.COUNTER, streams::counter)
                .get(Routes.BROADCAST, streams::broadcast)
                .head(Routes.BROADCAST, streams::broadcast)
                .post(Routes.BROADCAST, (req, res) -> json(req, res, 202, demo.publish(new PublishRequest(
                        header(req, "Origin"), header(req, "Content-Type"), req.headers().contentLength().orElse(-1),
                        req.query().rawValue()), req.content().inputStream())))
                .post(Routes.DISCONNECT, (req, res) -> json(req, res, 200, demo.disconnectAll(header(req, "Origin"))))
                .get(Routes.STATUS, (req, res) -> json(req, res, 200, demo.statusJson()))
                .head(Routes.STATUS, (req, res) -> json(req, res, 200, demo.statusJson()))
                .options("/api/*", (req, res) -> {
                    demo.crossOrigin().preflight(header(req, "Origin")).forEach(res::header);
                    res.status(204).send();
                })
                .any(HelidonServer::staticFile);

        routing.error(ApiError.class, (req, res, error) -> {
            crossOrigin(demo, req, res); // again: the filter may have thrown before setting them
            error.headers().forEach(res::header);
            hardening.beforeRefusing(req, res);
            json(req, res, error.status(), error.json());
        });
        routing.error(Exception.class, (req, res, error) -> {
            if (HelidonHardening.isMalformedBody(error)) {
                json(req, res, 400, new ApiError(400, "The request body was malformed or ended early.").json());
                return;
            }
            System.err.println("helidon: " + req.prologue().method() + " " + req.path().path() + " failed: " + error);
            json(req, res, 500, new ApiError(500, "The server failed to answer this request.").json());
        });
    }

    /** {@code GET /} and the files of static/; StaticFiles never names a file outside it. */
    private static void staticFile(ServerRequest req, ServerResponse res) throws IOException {
        StaticFiles.File file = StaticFiles.get(req.prologue().method().text(), req.path().path());
        send(req, res, 200, file.contentType(), file.bytes());
    }

    private static void crossOrigin(SseDemo demo, ServerRequest req, ServerResponse res) {
        demo.crossOrigin().headersFor(header(req, "Origin")).forEach(res::header);
    }

    private static String versionOf(Class<?> type) {
        String version = type.getPackage().getImplementationVersion();
        return version == null ? "4.5.0" : version;
    }

    @Override
    public int port() {
        return server.port();
    }

    /** Ends every stream (the writers finish their responses), then stops Helidon. */
    @Override
    public void close() {
        demo.close();
        server.stop();
        hardening.close();
    }
}
