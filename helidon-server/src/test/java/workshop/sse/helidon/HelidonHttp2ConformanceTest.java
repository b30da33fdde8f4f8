package workshop.sse.helidon;

import org.junit.jupiter.api.DisplayName;
import workshop.sse.tck.KitProtocol;

/** Helidon over HTTP/2 (TLS, ALPN h2) against the whole kit; HTTP/1.1's own checks are skipped (SPEC 12.4). */
@DisplayName("HelidonHttp2ConformanceTest: Helidon over HTTP/2 (TLS, ALPN h2)")
class HelidonHttp2ConformanceTest extends HelidonConformanceTest {

    @Override
    protected KitProtocol expectedProtocol() {
        return KitProtocol.HTTP_2;
    }
}
