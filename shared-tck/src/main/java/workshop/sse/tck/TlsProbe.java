package workshop.sse.tck;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * The small TLS moves of SPEC section 12's checks: a handshake offering chosen ALPN protocols, one HTTP/1.1 exchange
 * on the TLS socket, the first half of a real ClientHello, a certificate's SHA-256 fingerprint. The section checks
 * the protocol, not the certificate (12.2 checks that by its fingerprint), so it trusts any.
 */
final class TlsProbe {

    static final KitTls TRUST_ANY = KitTls.insecure();

    private TlsProbe() {
    }

    static Socket tcp(URI base) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), (int) RawHttp.ANSWER.toMillis());
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) RawHttp.ANSWER.toMillis());
            return socket;
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot connect to " + base + ": " + e.getMessage(), e);
        }
    }

    /** Connects and completes a TLS handshake offering {@code alpn} (empty: no ALPN extension at all). */
    static SSLSocket handshake(URI base, List<String> alpn) throws IOException {
        Socket tcp = tcp(base);
        try {
            return TRUST_ANY.handshake(tcp, base, alpn);
        } catch (IOException | RuntimeException e) {
            tcp.close();
            throw e;
        }
    }

    /** What the server chose by ALPN, as {@link SSLSocket#getApplicationProtocol()} says ("" for none). */
    static String protocol(SSLSocket tls) {
        String chosen = tls.getApplicationProtocol();
        return chosen == null ? "" : chosen;
    }

    /**
     * Sends {@code GET target} as HTTP/1.1 on the TLS socket and reads what comes for up to {@code within}: the
     * whole answer when the server closes (the request asks it to), or at least the head and the first bytes after it.
     */
    static String http11(SSLSocket tls, URI base, String target, Duration within) throws IOException {
        String request = "GET " + target + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                + "\r\nConnection: close\r\n\r\n";
        tls.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        tls.getOutputStream().flush();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + within.toNanos();
        byte[] buffer = new byte[8192];
        InputStream in = tls.getInputStream();
        try {
            while (System.nanoTime() < deadline) {
                tls.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                int n = in.read(buffer);
                if (n == -1) {
                    break;
                }
                answer.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // a stream does not end: what came is the answer
        }
        return answer.toString(StandardCharsets.ISO_8859_1);
    }

    /** The first half of a real TLS ClientHello record, as a client that stalls in its handshake sends. */
    static byte[] halfAClientHello(URI base) throws SSLException {
        SSLEngine engine = TRUST_ANY.context().createSSLEngine(base.getHost(), base.getPort());
        engine.setUseClientMode(true);
        engine.beginHandshake();
        ByteBuffer record = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), record);
        record.flip();
        byte[] half = new byte[record.remaining() / 2];
        record.get(half);
        return half;
    }

    /** SHA-256 of the certificate's DER encoding, as 32 upper-case hex pairs joined by colons. */
    static String sha256Fingerprint(Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads and drops what the server sends until it closes the connection; returns the milliseconds from
     * {@code openedNanos} to the close, or -1 when it was still open after {@code giveUp}.
     */
    static long millisUntilClosed(Socket socket, long openedNanos, Duration giveUp) {
        long deadline = openedNanos + giveUp.toNanos();
        byte[] sink = new byte[4096];
        try {
            InputStream in = socket.getInputStream();
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return -1;
                }
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                if (in.read(sink) == -1) {
                    return Eventually.millisSince(openedNanos);
                }
            }
        } catch (SocketTimeoutException e) {
            return -1;
        } catch (IOException e) {
            return Eventually.millisSince(openedNanos); // reset, or a TLS alert: closed either way
        }
    }
}
