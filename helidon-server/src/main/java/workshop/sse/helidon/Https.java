package workshop.sse.helidon;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.tls.Tls;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http2.Http2Config;
import io.helidon.webserver.http2.Http2ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.util.Set;
import workshop.sse.core.http.HeadRules;
import workshop.sse.core.launch.ServerCertificate;
import workshop.sse.helidon.hardening.LateResets;

/**
 * HTTPS on the same port (TLS=...): Helidon takes the certificate as a plain SSLContext, and ALPN picks the
 * protocol in the handshake: {@code h2} when the client offers it, HTTP/1.1 otherwise (a client that offers only
 * {@code http/1.1}, or no ALPN at all).
 *
 * HTTP/2 is never added as a Helidon "protocol" (an {@link Http2Config} in the listener's protocols), because
 * then Helidon would also serve cleartext HTTP/2: prior knowledge ({@code PRI * HTTP/2.0} as the first bytes) and
 * the HTTP/1.1 {@code Upgrade: h2c}, which its HTTP/1 connection offers for every HTTP/2 configuration it finds.
 * Instead the HTTP/2 connection selector is added by hand, reachable only through ALPN.
 */
final class Https {

    /** SETTINGS_MAX_CONCURRENT_STREAMS: a page and its lab open about 10; Helidon's default is 8192. */
    static final int MAX_CONCURRENT_STREAMS = 128;

    private Https() {
    }

    static WebServerConfig.Builder configure(WebServerConfig.Builder server, ServerCertificate certificate) {
        Http2Config http2 = Http2Config.builder()
                .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                .maxHeaderListSize(HeadRules.MAX_BYTES) // a bigger header block: the stream is reset, as in HTTP/1.1's 431
                .build();
        return server
                .tls(Tls.builder().sslContext(certificate.sslContext()).build())
                .addConnectionSelector(new AlpnOnly(Http2ConnectionSelector.builder().http2Config(http2).build()));
    }

    /**
     * Helidon's HTTP/2 connection, chosen by ALPN's {@code h2} only: never by a cleartext preface. Its input passes
     * {@link LateResets}, which keeps a late RST_STREAM from closing the whole connection.
     */
    private record AlpnOnly(ServerConnectionSelector http2) implements ServerConnectionSelector {

        @Override
        public int bytesToIdentifyConnection() {
            return 0;
        }

        @Override
        public Support supports(BufferData request) {
            return Support.UNSUPPORTED;
        }

        @Override
        public Set<String> supportedApplicationProtocols() {
            return http2.supportedApplicationProtocols();
        }

        @Override
        public ServerConnection connection(ConnectionContext ctx) {
            return LateResets.filter(ctx, http2::connection);
        }
    }
}
