package workshop.sse.tck;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.opentest4j.AssertionFailedError;

/**
 * An SSE request read frame by frame: for the checks about what is on the wire (the retry frame, heartbeats, fields
 * without {@code id:}), which an SSE client library would hide. On a raw HTTP/1.1 socket, or on one HTTP/2 stream
 * ({@link Http2Client}): the frames are the same.
 */
public final class RawSseStream implements AutoCloseable {

    private final ResponseChannel conn;
    private final String request;
    private final long sentNanos;
    private final HttpHead head;
    private final InputStream body;
    private final SseFrameReader reader;
    private boolean ended;

    private RawSseStream(ResponseChannel conn, String request, long sentNanos, HttpHead head) {
        this.conn = conn;
        this.request = request;
        this.sentNanos = sentNanos;
        this.head = head;
        this.body = conn.bodyStream(head);
        this.reader = new SseFrameReader(body);
    }

    /** Connects (over TLS trusting what the JDK trusts), sends {@code GET target} or another method, reads the head. */
    public static RawSseStream open(URI base, String method, String target, String... headerLines) throws IOException {
        return open(RawHttp.connect(base), method, target, headerLines);
    }

    /**
     * Sends {@code GET target} (or another method) with the given header lines on a raw connection the caller made
     * (with a small receive buffer, say), and reads the head. The stream owns the connection: closed if this fails.
     */
    public static RawSseStream open(RawHttp conn, String method, String target, String... headerLines)
            throws IOException {
        try {
            String request = conn.head(method, target, headerLines);
            long sent = System.nanoTime();
            conn.send(request);
            HttpHead head = conn.readHead(RawHttp.ANSWER);
            return new RawSseStream(conn, method + " " + target, sent, head);
        } catch (IOException | RuntimeException e) {
            conn.close();
            throw e;
        }
    }

    /** A response whose head another client read (an HTTP/2 stream). */
    static RawSseStream over(ResponseChannel channel, String request, long sentNanos, HttpHead head) {
        return new RawSseStream(channel, request, sentNanos, head);
    }

    /** Sends {@code GET target} and, in the same write, {@code after} (a pipelined request), then reads the head. */
    public static RawSseStream openFollowedBy(RawHttp conn, String target, String after) throws IOException {
        String request = conn.head("GET", target);
        long sent = System.nanoTime();
        conn.send(request + after);
        HttpHead head = conn.readHead(RawHttp.ANSWER);
        return new RawSseStream(conn, "GET " + target, sent, head);
    }

    public HttpHead head() {
        return head;
    }

    public int status() {
        return head.status();
    }

    /** {@link System#nanoTime()} when the request was sent. */
    public long sentNanos() {
        return sentNanos;
    }

    /** The rest of a response that is not a stream (an error, say), read whole. */
    public RawResponse response() throws IOException {
        return new RawResponse(head, conn.readBody(head, request.startsWith("HEAD "), RawHttp.ANSWER));
    }

    /** The next frame (a comment frame included); null when the server ended the stream. Fails after {@code within}. */
    public SseFrame next(Duration within) throws IOException {
        SseFrame frame = poll(within);
        if (frame == null && !ended) {
            throw new AssertionFailedError(request + ": no complete SSE frame within " + within.toMillis() + " ms");
        }
        return frame;
    }

    /** The next frame that is an event (not a comment, not a lone retry:); null when the stream ended. */
    public SseFrame nextEvent(Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
            SseFrame frame = poll(left);
            if (frame == null) {
                if (ended) {
                    return null;
                }
                throw new AssertionFailedError(request + ": no SSE event within " + within.toMillis() + " ms");
            }
            if (frame.isEvent()) {
                return frame;
            }
        }
    }

    /** The next frame, or null if none is complete within {@code within} or the stream ended: see {@link #ended()}. */
    public SseFrame poll(Duration within) throws IOException {
        if (ended) {
            return null;
        }
        conn.deadline(within);
        try {
            SseFrame frame = reader.next();
            if (frame == null) {
                ended = true;
            }
            return frame;
        } catch (SocketTimeoutException e) {
            return null;
        } catch (SocketException e) {
            ended = true; // reset by the server: ended all the same
            return null;
        }
    }

    /** True once the server ended the stream (or reset the connection). */
    public boolean ended() {
        return ended;
    }

    /** Reads until the server ends the stream, and returns the frames that came meanwhile. Fails after {@code within}. */
    public List<SseFrame> readToEnd(Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        List<SseFrame> frames = new ArrayList<>();
        while (!ended) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionFailedError(request + ": the server did not end the stream within "
                        + within.toMillis() + " ms (frames meanwhile: " + frames.size() + ")");
            }
            SseFrame frame = poll(Duration.ofNanos(left));
            if (frame != null) {
                frames.add(frame);
            }
        }
        return frames;
    }

    /** True when a chunked stream ended with its last chunk (an HTTP/2 one with END_STREAM): ended on purpose. */
    public boolean cleanEnd() {
        return body instanceof ChunkedInputStream chunked ? chunked.cleanEnd()
                : body instanceof PumpedBody pumped && pumped.cleanEnd();
    }

    /** Bytes of stream body read so far (after de-chunking). */
    public long bytesRead() {
        return reader.bytesRead();
    }

    /** Closes with a TCP reset (over HTTP/2: RST_STREAM), so that the server notices at its next write. */
    public void abort() {
        conn.abort();
    }

    @Override
    public void close() {
        conn.close();
    }
}
