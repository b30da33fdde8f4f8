package workshop.sse.javalin;

import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.http2.server.internal.HTTP2ServerConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import workshop.sse.core.launch.ServerCertificate;

/**
 * With {@code TLS} set, Jetty's connector speaks TLS, and ALPN picks the protocol of each connection: {@code h2}
 * when the client offers it, HTTP/1.1 otherwise (offered only {@code http/1.1}, or no ALPN at all). The routes and
 * the streams do not know which: a servlet response is the same on both.
 *
 * <p>No cleartext HTTP/2 (h2c): Jetty speaks it only with an {@code HTTP2CServerConnectionFactory}, which this
 * server never adds. Browsers speak HTTP/2 only over TLS, and Javalin 7.2 on Jetty 12.1 over h2c is where a vanished
 * client set off a NullPointerException in a loop.
 */
public final class Https {

    /** SETTINGS_MAX_CONCURRENT_STREAMS: a page and its lab open about 10; Jetty's default is 128, said here. */
    private static final int MAX_CONCURRENT_STREAMS = 128;

    private Https() {
    }

    /** The connector's factories, outermost first: TLS, then ALPN, then HTTP/2 or the given HTTP/1.1 factory. */
    public static ConnectionFactory[] factories(ServerCertificate certificate, HttpConfiguration http,
                                                HttpConnectionFactory http1) {
        // the certificate's host names are checked by the client, not by the server (127.0.0.1 is a fine Host)
        http.addCustomizer(new SecureRequestCustomizer(false));
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setSslContext(certificate.sslContext());

        HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(http) {
            @Override
            public Connection newConnection(Connector connector, EndPoint endPoint) {
                // A reset stream's request is finished by Jetty while its writer may still hold the response; a
                // channel handed on to the connection's next stream would take that writer's late bytes with it.
                HTTP2ServerConnection connection = (HTTP2ServerConnection) super.newConnection(connector, endPoint);
                connection.setRecycleHttpChannels(false);
                return connection;
            }
        };
        h2.setMaxConcurrentStreams(MAX_CONCURRENT_STREAMS);
        // HPACK's decoder refuses a header block over the HttpConfiguration's request header size (8 KiB, as
        // HTTP/1.1): the stream is answered 431, the connection and the server carry on.

        // ALPN's names: "h2" and "http/1.1" (the HTTP/1.1 factory calls itself "HTTP/1.1", which ALPN never offers)
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
        alpn.setDefaultProtocol("http/1.1"); // a client without ALPN gets HTTP/1.1
        return new ConnectionFactory[] {new SslConnectionFactory(tls, alpn.getProtocol()), alpn, h2, http1};
    }
}
