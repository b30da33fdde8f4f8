package workshop.sse.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * One kept-alive HTTP/1.1 connection that POSTs events, written small so that publishing costs the generator
 * little: the request by hand, the answer's status and body read by hand (length or chunked). Reconnects when the
 * server closes it. Given a TLS context, over TLS (offering no ALPN, so HTTP/1.1 still).
 */
final class PublishConnection implements AutoCloseable {

    /** The server's answer to one publish. */
    record Answer(int status, String body) {
        /** The id of a 202 answer ({@code {"id":<n>, ...}}), or -1. */
        long id() {
            int at = body.indexOf("\"id\":");
            if (at < 0) {
                return -1;
            }
            int from = at + 5;
            int to = from;
            while (to < body.length() && Character.isDigit(body.charAt(to))) {
                to++;
            }
            return to == from ? -1 : Long.parseLong(body.substring(from, to));
        }
    }

    private static final int TIMEOUT_MS = 30_000;

    private final String host;
    private final int port;
    private final byte[] requestHead;
    private final SSLContext tls; // null: cleartext
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    PublishConnection(String host, int port, String eventName) {
        this(host, port, eventName, null);
    }

    PublishConnection(String host, int port, String eventName, SSLContext tls) {
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.requestHead = ("POST /api/broadcast?event=" + eventName + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nContent-Type: text/plain\r\nContent-Length: ").getBytes(StandardCharsets.US_ASCII);
    }

    /** Publishes {@code body} and waits for the answer. */
    Answer post(String body) throws IOException {
        if (socket == null) {
            connect();
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        byte[] length = (bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[requestHead.length + length.length + bytes.length];
        System.arraycopy(requestHead, 0, request, 0, requestHead.length);
        System.arraycopy(length, 0, request, requestHead.length, length.length);
        System.arraycopy(bytes, 0, request, requestHead.length + length.length, bytes.length);
        try {
            out.write(request);
            out.flush();
            return readAnswer();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(TIMEOUT_MS);
        socket.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
        if (tls != null) {
            SSLSocket secured = (SSLSocket) tls.getSocketFactory().createSocket(socket, host, port, true);
            secured.startHandshake();
            socket = secured;
        }
        in = new BufferedInputStream(socket.getInputStream(), 4096);
        out = socket.getOutputStream();
    }

    private Answer readAnswer() throws IOException {
        String statusLine = line();
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
            throw new IOException("not an HTTP answer: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long contentLength = -1;
        boolean chunked = false;
        boolean closes = statusLine.startsWith("HTTP/1.0");
        for (String header = line(); !header.isEmpty(); header = line()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                contentLength = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:")) {
                closes = lower.contains("close");
            }
        }
        String body;
        if (chunked) {
            StringBuilder text = new StringBuilder();
            for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                    size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                text.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
                line();
            }
            while (!line().isEmpty()) {
                // trailers
            }
            body = text.toString();
        } else if (contentLength >= 0) {
            body = new String(in.readNBytes((int) contentLength), StandardCharsets.UTF_8);
        } else {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            closes = true;
        }
        if (closes) {
            close();
        }
        return new Answer(status, body);
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the server closed the connection");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closed already
            }
            socket = null;
        }
    }
}
