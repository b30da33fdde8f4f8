package workshop.sse.tck;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * What the kit speaks to a server: HTTP/1.1 in the clear for {@code http://}; for {@code https://}, what the server
 * chooses by ALPN when the kit offers {@code h2, http/1.1} (SPEC 12.3). Over HTTP/2 the kit's stream and request
 * clients share one connection; checks that only make sense on an HTTP/1.1 connection are skipped (SPEC 12.4).
 */
public enum KitProtocol {
    HTTP_1_1("over HTTP/1.1 (cleartext)"),
    HTTPS_1_1("over HTTP/1.1 (TLS, ALPN http/1.1)"),
    HTTP_2("over HTTP/2 (TLS, ALPN h2)");

    private final String description;

    KitProtocol(String description) {
        this.description = description;
    }

    /** E.g. "over HTTP/2 (TLS, ALPN h2)". */
    public String describe() {
        return description;
    }

    /**
     * Asks the server at {@code base}: a TLS handshake offering {@code h2} and {@code http/1.1}. Fails with one
     * line saying what to do when the handshake fails (an untrusted certificate: add {@code --insecure}).
     */
    public static KitProtocol of(URI base, KitTls tls) throws IOException {
        if (!"https".equalsIgnoreCase(base.getScheme())) {
            return HTTP_1_1;
        }
        int port = base.getPort() != -1 ? base.getPort() : 443;
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(base.getHost(), port), (int) RawHttp.ANSWER.toMillis());
            plain.setSoTimeout((int) RawHttp.ANSWER.toMillis());
            SSLSocket socket = tls.handshake(plain, base, List.of("h2", "http/1.1"));
            String chosen = socket.getApplicationProtocol();
            socket.close();
            return "h2".equals(chosen) ? HTTP_2 : HTTPS_1_1;
        } catch (SSLException e) {
            throw new IOException("the TLS handshake with " + base + " failed (" + e.getMessage() + ")"
                    + (tls.isInsecure() ? "" : ": add --insecure for a self-signed certificate"), e);
        }
    }
}
