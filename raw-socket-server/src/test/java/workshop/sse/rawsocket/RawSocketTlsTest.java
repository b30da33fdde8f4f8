package workshop.sse.rawsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import workshop.sse.core.http.HeadRules;
import workshop.sse.core.launch.Settings;
import workshop.sse.tck.KitTls;

/** What is the raw server's own over TLS (the kit checks the rest): HTTP/1.1 only, and a handshake under the deadline. */
class RawSocketTlsTest {

    private RawSocketServer server;
    private URI base;

    @BeforeEach
    void start() {
        server = RawSocketServer.start(Settings.fromEnv(Map.of("PORT", "0", "TLS", "self-signed")));
        base = URI.create("https://127.0.0.1:" + server.port() + "/");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void alpnChoosesHttp11AndAClientWantingOnlyH2FailsTheHandshake() throws IOException {
        try (SSLSocket tls = KitTls.insecure().handshake(new Socket("127.0.0.1", server.port()), base,
                List.of("h2", "http/1.1"))) {
            assertEquals("http/1.1", tls.getApplicationProtocol());
        }
        try (Socket tcp = new Socket("127.0.0.1", server.port())) {
            assertThrows(SSLException.class, () -> KitTls.insecure().handshake(tcp, base, List.of("h2")));
        }
    }

    /** SO_TIMEOUT bounds each wait, not the handshake: a ClientHello dripped a byte at a time must still be cut off. */
    @Test
    void aDrippedHandshakeIsClosedSoonAfterTheHeadDeadline() throws Exception {
        byte[] hello = clientHello();
        try (Socket tcp = new Socket("127.0.0.1", server.port())) {
            tcp.setSoTimeout(500);
            InputStream in = tcp.getInputStream();
            long start = System.nanoTime();
            for (int sent = 0; millisSince(start) < HeadRules.DEADLINE_MS + 10_000; sent++) {
                try {
                    tcp.getOutputStream().write(hello[Math.min(sent, hello.length - 2)]); // never the last byte
                    if (in.read() < 0) {
                        break;
                    }
                } catch (SocketTimeoutException e) {
                    // still open: drip on
                } catch (IOException e) {
                    break; // closed (or reset) by the server
                }
            }
            long after = millisSince(start);
            assertTrue(after >= HeadRules.DEADLINE_MS && after < HeadRules.DEADLINE_MS + 3_000,
                    "a dripped handshake was closed after " + after + " ms, not soon after the 15 s deadline");
        }
    }

    /** The first bytes a TLS client sends. */
    private static byte[] clientHello() throws Exception {
        SSLEngine client = KitTls.insecure().context().createSSLEngine("localhost", 443);
        client.setUseClientMode(true);
        ByteBuffer out = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
        client.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] hello = new byte[out.remaining()];
        out.get(hello);
        return hello;
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
