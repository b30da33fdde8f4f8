package workshop.sse.rawsocket.selftest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import workshop.sse.core.launch.ServerCertificate;

/**
 * A TLS front for the rules of SPEC section 12 that are about the TLS connection itself (12.3, 12.7): it ends TLS
 * (self-signed, ALPN offering http/1.1) and passes the bytes on to the plain raw-socket server, broken in the one way
 * its {@link Fault} says. It has no handshake deadline of its own, which is {@link Fault#NO_TLS_HANDSHAKE_DEADLINE}.
 */
final class FaultyTlsFront implements AutoCloseable {

    private final SSLServerSocket listener;
    private final int upstreamPort;
    private final Fault fault;

    private FaultyTlsFront(SSLServerSocket listener, int upstreamPort, Fault fault) {
        this.listener = listener;
        this.upstreamPort = upstreamPort;
        this.fault = fault;
        Thread.ofVirtual().name("tls-front").start(this::acceptAll);
    }

    static FaultyTlsFront start(int upstreamPort, Fault fault) throws IOException {
        SSLServerSocket listener = (SSLServerSocket) ServerCertificate.selfSigned().sslContext()
                .getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        SSLParameters parameters = listener.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        listener.setSSLParameters(parameters);
        return new FaultyTlsFront(listener, upstreamPort, fault);
    }

    URI baseUri() {
        return URI.create("https://127.0.0.1:" + listener.getLocalPort() + "/");
    }

    private void acceptAll() {
        while (!listener.isClosed()) {
            try {
                SSLSocket client = (SSLSocket) listener.accept();
                Thread.ofVirtual().start(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(SSLSocket client) {
        try (client) {
            client.startHandshake();
            if (fault == Fault.REFUSES_CLIENTS_WITHOUT_ALPN && client.getApplicationProtocol().isEmpty()) {
                return;
            }
            try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
                Thread back = Thread.ofVirtual().start(() -> pipe(upstream, client));
                pipe(client, upstream);
                back.join();
            }
        } catch (IOException | InterruptedException e) {
            // the client or the server went away
        }
    }

    private static void pipe(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buffer = new byte[16 * 1024];
            int n;
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            try {
                to.close();
                from.close();
            } catch (IOException ignored) {
                // closed anyway
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
