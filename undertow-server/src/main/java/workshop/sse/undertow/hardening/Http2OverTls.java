package workshop.sse.undertow.hardening;

import io.undertow.UndertowOptions;
import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.server.ConnectorStatistics;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.DelegateOpenListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http.AlpnOpenListener;
import io.undertow.server.protocol.http.HttpOpenListener;
import io.undertow.server.protocol.http2.Http2OpenListener;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.xnio.OptionMap;
import org.xnio.StreamConnection;
import org.xnio.XnioWorker;
import workshop.sse.core.http.HeadRules;

/**
 * HTTPS with HTTP/2, as {@code Undertow.builder().addHttpsListener(...)} with {@code ENABLE_HTTP2} assembles it: TLS
 * through {@link UndertowXnioSsl}, then an {@link AlpnOpenListener} that hands a connection to HTTP/2 when the client
 * offers {@code h2}, and to the HTTP/1.1 listener otherwise (only {@code http/1.1} offered, or no ALPN at all).
 *
 * <p>No cleartext HTTP/2: {@code ENABLE_HTTP2} is never set on the HTTP/1.1 listener's options, where it would make
 * Undertow take a {@code PRI * HTTP/2.0} preface as HTTP/2 with prior knowledge (h2c); and no
 * {@code Http2UpgradeHandler}, which would answer {@code Upgrade: h2c}. Browsers speak HTTP/2 only over TLS, so h2c
 * would only be one more way in for a hostile client, on a listener whose hardening is written for HTTP/1.1.
 */
final class Http2OverTls {

    /** A page with its lab opens about ten streams on one connection; the kit and the benchmark open more. */
    static final int MAX_CONCURRENT_STREAMS = 256;
    /** An HTTP/2 connection with no stream open (its first request included) is closed after this long. */
    private static final int IDLE_MS = HeadRules.DEADLINE_MS;

    private Http2OverTls() {
    }

    /** The TLS socket layer, with heap buffers (see {@link Listener}) as big as a TLS record. */
    static UndertowXnioSsl ssl(XnioWorker worker, SSLContext context) {
        ByteBufferPool records = new DefaultByteBufferPool(false, 17 * 1024, -1, 4);
        return new UndertowXnioSsl(worker.getXnio(), OptionMap.EMPTY, records, context);
    }

    /**
     * What runs once the handshake is done: HTTP/2 when ALPN chose {@code h2}, else {@code http1}. {@code onHttp2}
     * hears of each connection handed to HTTP/2, before Undertow's HTTP/2 listener takes it.
     */
    static AlpnOpenListener protocols(ByteBufferPool buffers, OptionMap options, HttpOpenListener http1,
                                      HttpHandler root, Consumer<StreamConnection> onHttp2) {
        Http2OpenListener http2 = new Http2OpenListener(buffers, OptionMap.builder().addAll(options)
                .set(UndertowOptions.HTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, MAX_CONCURRENT_STREAMS)
                // Announced in SETTINGS; a header block past it resets the stream. HeadTooLarge answers 431 from
                // 8 KiB on, as over HTTP/1.1 (Undertow's default would be MAX_HEADER_SIZE anyway).
                .set(UndertowOptions.HTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, HeadTooLarge.PARSER_LIMIT)
                // Over HTTP/2 Undertow counts this from the moment the last stream ends: an idle connection gets a
                // GOAWAY and is closed. (HeadTimeout covers the time before the first request.)
                .set(UndertowOptions.NO_REQUEST_TIMEOUT, IDLE_MS)
                .getMap());
        http2.setRootHandler(root);
        AlpnOpenListener alpn = new AlpnOpenListener(buffers, options, http1);
        alpn.addProtocol(Http2OpenListener.HTTP2, new HandOver(http2, onHttp2), 10);
        return alpn;
    }

    /** Undertow's HTTP/2 listener, after telling {@code onHttp2} which connection it takes. */
    private record HandOver(Http2OpenListener http2, Consumer<StreamConnection> onHttp2) implements DelegateOpenListener {

        @Override
        public void handleEvent(StreamConnection connection, PooledByteBuffer readAhead) {
            onHttp2.accept(connection);
            http2.handleEvent(connection, readAhead);
        }

        @Override
        public void handleEvent(StreamConnection connection) {
            onHttp2.accept(connection);
            http2.handleEvent(connection);
        }

        @Override
        public HttpHandler getRootHandler() {
            return http2.getRootHandler();
        }

        @Override
        public void setRootHandler(HttpHandler root) {
            http2.setRootHandler(root);
        }

        @Override
        public OptionMap getUndertowOptions() {
            return http2.getUndertowOptions();
        }

        @Override
        public void setUndertowOptions(OptionMap options) {
            http2.setUndertowOptions(options);
        }

        @Override
        public ByteBufferPool getBufferPool() {
            return http2.getBufferPool();
        }

        @Override
        public ConnectorStatistics getConnectorStatistics() {
            return http2.getConnectorStatistics();
        }

        @Override
        public void closeConnections() {
            http2.closeConnections();
        }
    }
}
