package workshop.sse.undertow.hardening;

import io.undertow.UndertowOptions;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpServerConnection;
import io.undertow.server.protocol.http2.Http2ServerConnection;
import io.undertow.util.Methods;
import io.undertow.util.Protocols;
import java.io.IOException;
import javax.net.ssl.SSLContext;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.channels.StreamSinkChannel;
import workshop.sse.core.http.ApiError;
import workshop.sse.core.http.Routes;
import workshop.sse.undertow.http.Exchanges;

/**
 * What Undertow needs beyond its defaults to meet the SPEC against hostile clients: its listener started by hand
 * (to hear of each connection as it is accepted), its options, and the handlers around the application: the head
 * deadline (10.4), the version as it was sent (10.2), 431 for a big head (10.3). None of it is about streaming;
 * {@code UndertowServer} shows that.
 */
public final class UndertowHardening implements AutoCloseable {

    static {
        // Undertow and XNIO log through JBoss Logging, which would pick java.util.logging and print INFO lines;
        // through SLF4J, simplelogger.properties keeps warnings only, as in the Javalin module.
        System.setProperty("org.jboss.logging.provider", "slf4j");
    }

    /** Slowloris: 408 for a head not complete 15 s after its connection opened or its previous response. */
    private final HeadTimeout heads = new HeadTimeout();
    private Listener listener;

    /**
     * Starts Undertow on {@code host:port} with {@code app} behind the hardening's handlers: HTTP/1.1, or with
     * {@code tls} HTTPS with HTTP/2 by ALPN and HTTP/1.1 as the fallback.
     */
    public void start(String host, int port, SSLContext tls, HttpHandler app) {
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
        HttpHandler root = heads.wrap(SentVersion.wrap(HeadTooLarge.wrap(nextRequestOnIoThread(refuseUnspokenVersions(app)))));
        try {
            listener = Listener.start(host, port, tls, options, root, connection -> {
                SentVersion.install(connection);
                heads.opened(connection);
            }, heads::http2);
        } catch (RuntimeException e) { // the port is taken, say
            heads.close();
            throw e;
        }
    }

    public int port() {
        return listener.port();
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

    /** Every request passes here first: a body nothing reads closes its connection, an unspoken version gets 505. */
    private static HttpHandler refuseUnspokenVersions(HttpHandler app) {
        return exchange -> {
            closeIfUnreadBody(exchange);
            try {
                checkVersion(exchange);
            } catch (ApiError error) {
                Exchanges.refuse(exchange, error);
                return;
            }
            app.handleRequest(exchange);
        };
    }

    /**
     * Only HTTP/1.x is spoken here (a later minor version as 1.1, which Undertow makes of it). Undertow would answer
     * HTTP/0.9 in kind, and its parser takes HTTP/3.0 for HTTP/1.1: the version is checked as it was sent.
     */
    private static void checkVersion(HttpServerExchange exchange) {
        if (exchange.getConnection() instanceof Http2ServerConnection) {
            return; // HTTP/2, which only ALPN over TLS leads to
        }
        String version = SentVersion.of(exchange);
        if (!version.startsWith("HTTP/1.")) {
            exchange.setProtocol(Protocols.HTTP_1_1);
            exchange.setPersistent(false);
            throw new ApiError(505, "Only HTTP/1.0 and HTTP/1.1 are spoken here, not " + version + ".");
        }
    }

    /**
     * Closes the connection after the answer when the request has a body that nothing here reads (only a publish
     * does): Undertow would otherwise read the whole body, however long, to keep the connection.
     */
    public static void closeIfUnreadBody(HttpServerExchange exchange) {
        boolean publish = exchange.getRequestMethod().equals(Methods.POST)
                && exchange.getRequestPath().equals(Routes.BROADCAST);
        if (!exchange.isRequestComplete() && !publish) {
            exchange.setPersistent(false);
        }
    }

    /**
     * Nothing can follow a stream on its connection: bytes read after its request (a pipelined request, say) are
     * never answered, so the pooled buffer they wait in goes back now rather than when the stream ends.
     */
    public static void dropBytesAfter(HttpServerExchange exchange) {
        if (exchange.getConnection() instanceof HttpServerConnection http && http.getExtraBytes() != null) {
            PooledByteBuffer extra = http.getExtraBytes();
            http.setExtraBytes(null);
            extra.close();
        }
    }

    /**
     * Ends an answer with no body and no length. Ending an empty answer makes Undertow add Content-Length: 0, which
     * a stream's headers (HEAD on a stream) never have; like a stream, this answer ends by closing the connection.
     */
    public static void endWithoutLength(HttpServerExchange exchange) throws IOException {
        exchange.setPersistent(false);
        StreamSinkChannel out = exchange.getResponseChannel();
        out.shutdownWrites();
        if (!out.flush()) {
            out.getWriteSetter().set(ChannelListeners.flushingChannelListener(
                    done -> exchange.endExchange(), (channel, e) -> IoUtils.safeClose(exchange.getConnection())));
            out.resumeWrites();
            return;
        }
        exchange.endExchange();
    }

    /** Stops accepting, then closes every connection and the head deadline's sweep. */
    @Override
    public void close() {
        listener.close();
        heads.close();
    }
}
