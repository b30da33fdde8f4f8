package workshop.sse.javalin.hardening;

import io.javalin.config.JavalinConfig;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import workshop.sse.core.http.HeadRules;
import workshop.sse.core.launch.Settings;
import workshop.sse.javalin.Https;

/**
 * What Javalin's Jetty needs beyond its defaults to meet the SPEC under load and against hostile clients: its
 * connector (the address, a deep accept queue, the idle timeout, the status of bad heads), the head deadline, and a
 * graceful stop. None of it is about streaming; {@code JavalinServer} shows that.
 */
public final class JettyHardening {

    private static final long STOP_TIMEOUT_MS = 3000;

    private JettyHardening() {
    }

    public static void install(JavalinConfig config, Settings settings) {
        HeadTimeout headTimeout = new HeadTimeout();
        config.jetty.addConnector((server, http) -> {
            // Jetty's own factory, but for the status of two bad heads: see HeadErrorStatus.
            HttpConnectionFactory http1 = new HeadErrorStatus(http);
            ServerConnector connector = settings.tls() == null ? new ServerConnector(server, http1)
                    : new ServerConnector(server, Https.factories(settings.tls(), http, http1));
            connector.setHost(settings.host());
            connector.setPort(settings.port());
            // A deep accept queue: with the JDK's default of 50, a burst of reconnecting clients (after
            // POST /api/disconnect, say) overflows it and some wait a second for their SYN to be resent.
            connector.setAcceptQueueSize(4096);
            // A write blocked on a client that stopped reading fails after this long; heartbeats keep live
            // streams from ever being this idle. Never before the head deadline, though: a connection waiting
            // for its head is HeadTimeout's, which answers 408 at 15 s (Jetty would close it without a word).
            connector.setIdleTimeout(Math.max(2L * settings.heartbeatMs() + 1000, HeadRules.DEADLINE_MS + 5000));
            // On stop, Jetty gives every open connection this idle timeout (1 s by default): a stream the demo ended
            // but whose response is still finishing on a busy machine would time out and log a warning. The stop's
            // own bound applies instead.
            connector.setShutdownIdleTimeout(STOP_TIMEOUT_MS);
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
    }
}
