package workshop.sse.tck;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body read by a thread of its own and handed over with deadlines. OkHttp's own read timeout resets an
 * HTTP/2 stream when it fires, so a check that merely waits a while for the next frame cannot use it; here a
 * deadline that passes only fails the read, and the stream goes on.
 */
final class PumpedBody extends InputStream {

    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
    private volatile long deadlineNanos = System.nanoTime() + RawHttp.ANSWER.toNanos();
    private volatile IOException failure;
    private byte[] current = new byte[0];
    private int offset;
    private boolean ended;

    /** Starts reading {@code source} on a daemon thread named after {@code what}. */
    PumpedBody(InputStream source, String what) {
        Thread pump = new Thread(() -> pump(source), "kit-h2-body " + what);
        pump.setDaemon(true);
        pump.start();
    }

    private void pump(InputStream source) {
        byte[] buffer = new byte[16 * 1024];
        try (source) {
            int n;
            while ((n = source.read(buffer)) != -1) {
                chunks.add(Arrays.copyOf(buffer, n));
            }
        } catch (IOException e) {
            failure = e; // a reset (by either side): the reader sees it as a connection reset
        } catch (IllegalStateException e) {
            failure = new IOException(e.getMessage(), e); // OkHttp's "closed": the kit closed the response itself
        } finally {
            chunks.add(END);
        }
    }

    void deadline(Duration within) {
        deadlineNanos = System.nanoTime() + within.toNanos();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int off, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (offset == current.length) {
            if (ended) {
                return endOfStream();
            }
            long left = deadlineNanos - System.nanoTime();
            byte[] next;
            try {
                next = left <= 0 ? chunks.poll() : chunks.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted");
            }
            if (next == null) {
                throw new SocketTimeoutException("deadline passed");
            }
            if (next == END) {
                ended = true;
                return endOfStream();
            }
            current = next;
            offset = 0;
        }
        int n = Math.min(length, current.length - offset);
        System.arraycopy(current, offset, buffer, off, n);
        offset += n;
        return n;
    }

    private int endOfStream() throws IOException {
        if (failure != null) {
            throw new SocketException("HTTP/2 stream reset: " + failure.getMessage());
        }
        return -1;
    }

    /** True once the server ended the stream with END_STREAM (not a reset). */
    boolean cleanEnd() {
        return ended && failure == null;
    }
}
