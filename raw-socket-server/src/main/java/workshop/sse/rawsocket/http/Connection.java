package workshop.sse.rawsocket.http;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Map;
import workshop.sse.core.http.ApiError;
import workshop.sse.core.http.HeadRules;
import workshop.sse.core.http.Json;

/**
 * One client connection's HTTP, on its own virtual thread: read a head, answer, and again (keep-alive), until the
 * client closes, something goes wrong, or the answer is a stream, which then takes the socket over.
 */
public final class Connection {

    /** The longest wait for the next bytes of a body. */
    private static final int BODY_READ_TIMEOUT_MS = 15_000;
    /** An unwanted body this small is read and dropped, so the connection can be kept. */
    private static final long DISCARDABLE_BODY = 64 * 1024;
    private static final int BUFFER_BYTES = 1024;
    /** Before closing on a client that may still be sending, read (and drop) its bytes for at most this long. */
    private static final int LINGER_MS = 1_000;

    private final Socket socket;
    private final Handler handler;
    private final HeadWatch watch;
    private final DeadlineInput raw;
    private final InputStream in;
    private final OutputStream out;
    private Answer.Stream stream; // the answer that takes the socket over, once there is one

    public Connection(Socket socket, Handler handler) throws IOException {
        this(socket, handler, HeadWatch.NONE);
    }

    /** With a clock of heads besides the reads' own deadline: over TLS, one read may wait many times. */
    public Connection(Socket socket, Handler handler, HeadWatch watch) throws IOException {
        this.socket = socket;
        this.handler = handler;
        this.watch = watch;
        this.raw = new DeadlineInput(socket);
        // Small buffers: every connection allocates them, thousands at a time when clients reconnect together, and
        // most requests and answers are a few hundred bytes (a larger write goes past the buffer, straight out).
        this.in = new BufferedInputStream(raw, BUFFER_BYTES);
        this.out = new BufferedOutputStream(socket.getOutputStream(), BUFFER_BYTES);
    }

    /**
     * Serves requests until the connection is done, and closes the socket; but when the answer is a stream, returns
     * it with the socket still open, for the stream's writer. This connection's buffers are not needed any more then.
     */
    public Answer.Stream serve() {
        try {
            while (serveOne()) {
                // keep-alive: the next request on the same connection
            }
        } catch (IOException e) {
            // the client went away, reset, or a body read timed out: nothing left to answer
        } catch (RuntimeException e) {
            System.err.println("raw-socket: a connection failed: " + e);
        } finally {
            if (stream == null) {
                closeQuietly(socket);
            }
        }
        return stream;
    }

    /** One request and its answer; true when the connection stays open for another. */
    private boolean serveOne() throws IOException {
        HttpRequest request;
        raw.deadline(System.currentTimeMillis() + HeadRules.DEADLINE_MS); // of opening, or of the last answer
        try {
            request = HttpRequest.read(in);
        } catch (SocketTimeoutException e) {
            // slowloris: whether silent or dripping a byte at a time, the head had its 15 s
            watch.headDone();
            refuse(408, "The request head did not arrive in time.");
            return false;
        } catch (HttpRequest.BadHead e) {
            watch.headDone();
            refuse(e.status, e.getMessage());
            return false;
        }
        watch.headDone();
        if (request == null) {
            return false; // closed cleanly between requests
        }
        raw.timeout(BODY_READ_TIMEOUT_MS);
        if (request.isHttp11() && "100-continue".equalsIgnoreCase(request.header("Expect"))) {
            // curl asks before sending a larger body; only say yes when the body is actually read, so a
            // refused body (413 from Content-Length) is never sent at all
            request.body().beforeFirstRead(() -> {
                try {
                    HttpResponse.sendContinue(out);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }

        Answer answer;
        try {
            answer = handler.answer(request);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (RuntimeException e) {
            System.err.println("raw-socket: " + request + " failed: " + e);
            answer = Answer.error(new ApiError(500, "The server failed to answer this request."), Map.of());
        }

        switch (answer) {
            case Answer.Plain plain -> {
                boolean keepAlive = request.wantsKeepAlive() && request.body().discardIfAtMost(DISCARDABLE_BODY);
                HttpResponse.send(out, plain.status(), plain.headers(), plain.body(), request.isHead(), keepAlive);
                if (keepAlive) {
                    watch.awaitingHead();
                } else {
                    lingeringClose();
                }
                return keepAlive;
            }
            case Answer.StreamHeaders head -> {
                // a stream's headers have no Content-Length, and without one only closing ends the response
                HttpResponse.startStream(out, head.headers());
                out.flush();
                return false;
            }
            case Answer.Stream opened -> {
                // the stream's head was complete: from here no head deadline applies, and reads are not needed
                raw.timeout(0);
                stream = opened;
                return false;
            }
        }
    }

    /** An error raised while parsing the head (400, 408, 431, 501, 505): answered, then the connection closes. */
    private void refuse(int status, String message) {
        try {
            HttpResponse.sendJson(out, status, Map.of(), Json.object("error", message), false, false);
            lingeringClose();
        } catch (IOException e) {
            // the client is gone already
        }
    }

    /**
     * Closing a socket with unread bytes in it makes the kernel send a reset, which can destroy the answer before
     * the client reads it. So: stop writing, read and drop what the client still sends for a moment, then close.
     */
    private void lingeringClose() {
        try {
            socket.shutdownOutput();
            socket.setSoTimeout(LINGER_MS);
            long until = System.currentTimeMillis() + LINGER_MS;
            byte[] sink = new byte[8192];
            InputStream socketIn = socket.getInputStream();
            while (System.currentTimeMillis() < until && socketIn.read(sink) >= 0) {
                // drop it
            }
        } catch (IOException e) {
            // timed out or reset: closing anyway
        }
    }

    public static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /**
     * The socket's input with an absolute deadline. SO_TIMEOUT alone only limits each wait, so a client sending
     * one byte a second would never trip it; setting it to the time left before every read does.
     */
    private static final class DeadlineInput extends FilterInputStream {
        private final Socket socket;
        private long deadline; // epoch ms, 0 when there is none

        DeadlineInput(Socket socket) throws IOException {
            super(socket.getInputStream());
            this.socket = socket;
        }

        void deadline(long epochMillis) {
            this.deadline = epochMillis;
        }

        /** No deadline: each read waits at most {@code millis} (0: forever). */
        void timeout(int millis) throws IOException {
            deadline = 0;
            socket.setSoTimeout(millis);
        }

        private void arm() throws IOException {
            if (deadline != 0) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new SocketTimeoutException("request head deadline passed");
                }
                socket.setSoTimeout((int) left);
            }
        }

        @Override
        public int read() throws IOException {
            arm();
            return super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            arm();
            return super.read(b, off, len);
        }
    }
}
