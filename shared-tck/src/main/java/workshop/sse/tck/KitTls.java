package workshop.sse.tck;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import okhttp3.OkHttpClient;

/**
 * How the kit speaks TLS to an {@code https://} server (SPEC section 12): which certificates it trusts, TLS sockets
 * for the raw clients, and the same trust for OkHttp. The kit trusts the JDK's usual authorities, or, with {@code
 * --insecure} (and for a server it started with {@code TLS=self-signed}), any certificate: the point of the kit is
 * the protocol, not the certificate, and {@code 12.2} checks the fingerprint the ready line names instead.
 */
public final class KitTls {

    private final X509TrustManager trust;
    private final SSLContext context;
    private final boolean insecure;

    private KitTls(X509TrustManager trust, boolean insecure) {
        this.trust = trust;
        this.insecure = insecure;
        try {
            context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Trusts what the JDK trusts, and checks the host name. */
    public static KitTls verifying() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    return new KitTls(x509, false);
                }
            }
            throw new IllegalStateException("the JDK has no X.509 trust manager");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Trusts any certificate and any host name: {@code ./tck https://... --insecure}, and self-signed test servers. */
    public static KitTls insecure() {
        return new KitTls(new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }, true);
    }

    public boolean isInsecure() {
        return insecure;
    }

    public SSLContext context() {
        return context;
    }

    /**
     * Wraps a connected socket in TLS and completes the handshake, offering {@code alpn} (e.g. {@code ["h2",
     * "http/1.1"]}; empty offers no ALPN at all). {@link SSLSocket#getApplicationProtocol()} then tells what the
     * server chose.
     */
    public SSLSocket handshake(Socket connected, URI base, List<String> alpn) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(connected, base.getHost(),
                connected.getPort(), true);
        SSLParameters parameters = tls.getSSLParameters();
        if (!insecure) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (!alpn.isEmpty()) {
            parameters.setApplicationProtocols(alpn.toArray(String[]::new));
        }
        tls.setSSLParameters(parameters);
        tls.startHandshake();
        return tls;
    }

    /**
     * The same trust for REST Assured's HTTP/1.1 client, which offers {@code http/1.1} by ALPN as browsers and curl
     * do (Apache's client offers none by itself). A server that refuses clients without ALPN is 12.3's check to
     * catch, with a raw socket: through REST Assured it would fail every check at once, naming none.
     */
    @SuppressWarnings("deprecation") // the socket factory REST Assured's SSLConfig takes
    public org.apache.http.conn.ssl.SSLSocketFactory http11Sockets() {
        return new org.apache.http.conn.ssl.SSLSocketFactory(context, insecure
                ? org.apache.http.conn.ssl.SSLSocketFactory.ALLOW_ALL_HOSTNAME_VERIFIER
                : org.apache.http.conn.ssl.SSLSocketFactory.STRICT_HOSTNAME_VERIFIER) {
            @Override
            protected void prepareSocket(SSLSocket socket) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setApplicationProtocols(new String[] {"http/1.1"});
                socket.setSSLParameters(parameters);
            }
        };
    }

    /** The same trust for OkHttp; the caller chooses the protocols ({@code Protocol.HTTP_2} rides on ALPN). */
    public OkHttpClient.Builder configure(OkHttpClient.Builder builder) {
        builder.sslSocketFactory(context.getSocketFactory(), trust);
        if (insecure) {
            builder.hostnameVerifier((host, session) -> true);
        }
        return builder;
    }
}
