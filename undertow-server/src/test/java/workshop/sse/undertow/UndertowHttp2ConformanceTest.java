package workshop.sse.undertow;

import org.junit.jupiter.api.DisplayName;
import workshop.sse.tck.KitProtocol;

/** Undertow over HTTP/2 (TLS, ALPN h2) against the whole kit; HTTP/1.1's own checks are skipped (SPEC 12.4). */
@DisplayName("UndertowHttp2ConformanceTest: Undertow over HTTP/2 (TLS, ALPN h2)")
class UndertowHttp2ConformanceTest extends UndertowConformanceTest {

    @Override
    protected KitProtocol expectedProtocol() {
        return KitProtocol.HTTP_2;
    }
}
