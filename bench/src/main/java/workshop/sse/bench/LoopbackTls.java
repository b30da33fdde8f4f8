package workshop.sse.bench;

import javax.net.ssl.SSLContext;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The bench's trust over TLS: any certificate. It only ever loads this machine's own servers (loopback), each started
 * with {@code TLS=self-signed}, a certificate made at its start that nothing could know in advance.
 */
final class LoopbackTls {

    private LoopbackTls() {
    }

    /** For Jetty's client: trusts any certificate, checks no host name. */
    static SslContextFactory.Client jettyFactory() {
        SslContextFactory.Client factory = new SslContextFactory.Client(true);
        factory.setEndpointIdentificationAlgorithm(null);
        return factory;
    }

    /** The same trust for plain sockets (the publisher's). */
    static SSLContext context() {
        SslContextFactory.Client factory = jettyFactory();
        try {
            factory.start();
            return factory.getSslContext();
        } catch (Exception e) {
            throw new IllegalStateException("no TLS context for the bench: " + e, e);
        }
    }
}
