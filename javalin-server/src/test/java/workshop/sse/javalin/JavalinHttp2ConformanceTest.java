package workshop.sse.javalin;

import org.junit.jupiter.api.DisplayName;
import workshop.sse.tck.KitProtocol;

/** Javalin over HTTP/2 (TLS, ALPN h2) against the whole kit; HTTP/1.1's own checks are skipped (SPEC 12.4). */
@DisplayName("JavalinHttp2ConformanceTest: Javalin over HTTP/2 (TLS, ALPN h2)")
class JavalinHttp2ConformanceTest extends JavalinConformanceTest {

    @Override
    protected KitProtocol expectedProtocol() {
        return KitProtocol.HTTP_2;
    }
}
