package workshop.sse.tck;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A raw HTTP/1.1 client on a plain {@link Socket}, for the checks that are about the wire itself: exact status lines
 * and headers, malformed requests, keep-alive, chunked bodies, slow or silent clients. HTTP libraries hide or repair
 * all of that, which is why the kit does not use one here.
 *
 * <p>For an {@code https://} base it speaks TLS, offering only {@code http/1.1} by ALPN: HTTP/1.1 over TLS, which a
 * server must serve even when it offers HTTP/2 (SPEC 12.3).
 *
 * <p>Every read has a deadline: the socket's SO_TIMEOUT is set to the time left before each read, so no check ever
 * blocks on a server that does not answer.
 */
public final class RawHttp implements ResponseChannel {

    /** How long a check waits for an ordinary answer. */
    public static final Duration ANSWER = Duration.ofSeconds(5);

    private static final int MAX_HEAD = 64 * 1024;

    /** The TCP connection; {@link #socket} is the same, or TLS on top of it. */
    private final Socket plain;
    private final Socket socket;
    private final String authority;
    private final InputStream in;
    private final OutputStream out;
    private volatile long deadlineNanos = System.nanoTime() + ANSWER.toNanos();

    private RawHttp(Socket plain, Socket socket, String authority) throws IOException {
        this.plain = plain;
        this.socket = socket;
        this.authority = authority;
        this.in = new BufferedInputStream(new DeadlineStream(socket.getInputStream()), 64 * 1024);
        this.out = socket.getOutputStream();
    }

    /** Connects; over TLS ({@code https://}) it trusts what the JDK trusts. */
    public static RawHttp connect(URI base) throws IOException {
        return connect(base, KitTls.verifying(), 0);
    }

    /** Connects with a small receive buffer, say; over TLS trusting what the JDK trusts. */
    public static RawHttp connect(URI base, int receiveBufferBytes) throws IOException {
        return connect(base, KitTls.verifying(), receiveBufferBytes);
    }

    /** Connects; over TLS ({@code https://}) with the kit's trust. */
    public static RawHttp connect(URI base, KitTls tls) throws IOException {
        return connect(base, tls, 0);
    }

    /**
     * @param receiveBufferBytes SO_RCVBUF to ask for before connecting (0: the system's default). Set before the
     *                           connection exists, it bounds the TCP window the server may fill.
     */
    public static RawHttp connect(URI base, KitTls tls, int receiveBufferBytes) throws IOException {
        boolean https = "https".equalsIgnoreCase(base.getScheme());
        int port = base.getPort() != -1 ? base.getPort() : https ? 443 : 80;
        Socket socket = new Socket();
        try {
            if (receiveBufferBytes > 0) {
                socket.setReceiveBufferSize(receiveBufferBytes);
            }
            socket.connect(new InetSocketAddress(base.getHost(), port), (int) ANSWER.toMillis());
            socket.setTcpNoDelay(true);
            if (!https) {
                return new RawHttp(socket, socket, base.getHost() + ":" + port);
            }
            socket.setSoTimeout((int) ANSWER.toMillis()); // for the handshake
            return new RawHttp(socket, tls.handshake(socket, base, List.of("http/1.1")), base.getHost() + ":" + port);
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot connect to " + base + ": " + e.getMessage(), e);
        }
    }

    /** The value for the Host header. */
    public String authority() {
        return authority;
    }

    public Socket socket() {
        return socket;
    }

    /** A request head: request line, Host, the given header lines ("Name: value"), then the blank line. */
    public String head(String method, String target, String... headerLines) {
        StringBuilder request = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        request.append("Host: ").append(authority).append("\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        return request.append("\r\n").toString();
    }

    /** Sends text as UTF-8 bytes, exactly as given. */
    public RawHttp send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    public RawHttp send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Sets how long from now the next reads may take in all. */
    @Override
    public void deadline(Duration within) {
        deadlineNanos = System.nanoTime() + within.toNanos();
    }

    /** Reads a status line and header fields. */
    public HttpHead readHead(Duration within) throws IOException {
        deadline(within);
        List<String> lines = new ArrayList<>();
        int size = 0;
        try {
            while (true) {
                String line = readLine(lines.isEmpty());
                if (line == null) {
                    throw new EOFException(lines.isEmpty()
                            ? "the server closed the connection without answering"
                            : "the server closed the connection in the middle of the response head");
                }
                if (line.isEmpty()) {
                    return HttpHead.parse(lines, System.nanoTime());
                }
                size += line.length();
                if (size > MAX_HEAD) {
                    throw new IOException("response head longer than " + MAX_HEAD + " bytes");
                }
                lines.add(line);
            }
        } catch (SocketTimeoutException e) {
            throw new SocketTimeoutException("no complete response head within " + within.toMillis() + " ms"
                    + (lines.isEmpty() ? "" : " (got " + Printable.of(String.join("\n", lines)) + ")"));
        } catch (SocketException e) {
            throw new SocketException("connection reset before a complete response head: " + e.getMessage());
        }
    }

    /** The body of an ordinary (non-streaming) response, read whole. */
    @Override
    public byte[] readBody(HttpHead head, boolean headRequest, Duration within) throws IOException {
        deadline(within);
        int status = head.status();
        if (headRequest || status / 100 == 1 || status == 204 || status == 304) {
            return new byte[0];
        }
        try {
            if (head.chunked()) {
                return new ChunkedInputStream(in).readAllBytes();
            }
            var length = head.contentLength();
            if (length.isPresent()) {
                byte[] body = in.readNBytes((int) length.getAsLong());
                if (body.length < length.getAsLong()) {
                    throw new EOFException("body ended after " + body.length + " of " + length.getAsLong()
                            + " bytes announced by Content-Length");
                }
                return body;
            }
            return readToEnd();
        } catch (SocketTimeoutException e) {
            throw new SocketTimeoutException("response body not complete within " + within.toMillis() + " ms ("
                    + head.describe() + ")");
        }
    }

    /** Head and whole body. */
    public RawResponse readResponse(boolean headRequest, Duration within) throws IOException {
        long start = System.nanoTime();
        HttpHead head = readHead(within);
        Duration left = within.minusNanos(System.nanoTime() - start);
        return new RawResponse(head, readBody(head, headRequest, left.isNegative() ? Duration.ofMillis(1) : left));
    }

    /** Sends a request and reads its whole answer. */
    public RawResponse exchange(String request) throws IOException {
        send(request);
        return readResponse(request.startsWith("HEAD "), ANSWER);
    }

    /** The body as a stream, de-chunked when the server chunks it. Reads obey {@link #deadline(Duration)}. */
    @Override
    public InputStream bodyStream(HttpHead head) {
        return head.chunked() ? new ChunkedInputStream(in) : in;
    }

    /** What the server sends within {@code within}, and whether it closed the connection meanwhile. */
    public Probe probe(Duration within) throws IOException {
        deadline(within);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            while (true) {
                int n = in.read(buffer);
                if (n == -1) {
                    return new Probe(got.toByteArray(), true);
                }
                got.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            return new Probe(got.toByteArray(), false);
        } catch (SocketException e) {
            return new Probe(got.toByteArray(), true);
        }
    }

    /** @param closed the server closed (or reset) the connection */
    public record Probe(byte[] bytes, boolean closed) {
    }

    /** Closes with a TCP reset instead of a FIN (over TLS without close_notify): the server's next write fails at once. */
    @Override
    public void abort() {
        try {
            plain.setSoLinger(true, 0);
            plain.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }

    private byte[] readToEnd() throws IOException {
        try {
            return in.readAllBytes();
        } catch (SocketException e) {
            throw new SocketException("connection reset while reading a body delimited by the connection's end");
        }
    }

    /** A line of the head without its CRLF (a bare LF is tolerated), or null at end of stream before any byte. */
    private String readLine(boolean first) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b == -1) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
            if (line.size() > MAX_HEAD) {
                throw new IOException("response " + (first ? "status line" : "header line") + " longer than "
                        + MAX_HEAD + " bytes");
            }
        }
    }

    /** Sets SO_TIMEOUT to the time left before the deadline, before each read. */
    private final class DeadlineStream extends InputStream {
        private final InputStream raw;

        DeadlineStream(InputStream raw) {
            this.raw = raw;
        }

        @Override
        public int read() throws IOException {
            arm();
            return raw.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            arm();
            return raw.read(buffer, offset, length);
        }

        private void arm() throws IOException {
            long leftMillis = (deadlineNanos - System.nanoTime()) / 1_000_000;
            if (leftMillis <= 0) {
                throw new SocketTimeoutException("deadline passed");
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMillis));
        }
    }
}
