package workshop.sse.rawsocket;

import org.junit.jupiter.api.DisplayName;
import workshop.sse.tck.KitProtocol;

/** The raw-socket server over TLS against the whole kit: it offers no h2, so the HTTP/1.1 checks run over TLS (SPEC 12.3). */
@DisplayName("RawSocketTlsConformanceTest: raw-socket over HTTP/1.1 (TLS, ALPN http/1.1)")
class RawSocketTlsConformanceTest extends RawSocketConformanceTest {

    @Override
    protected KitProtocol expectedProtocol() {
        return KitProtocol.HTTPS_1_1;
    }
}
