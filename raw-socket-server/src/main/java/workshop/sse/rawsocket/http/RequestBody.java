package workshop.sse.rawsocket.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import workshop.sse.core.http.ApiError;

/**
 * A request's body as a stream that ends where the body ends, so the next request on the connection starts at
 * the right byte. The length comes from Content-Length, or from chunked framing (decoded here: the SPEC wants a
 * too-large chunked body refused as soon as it passes the limit, which only a server that reads it can do).
 */
public abstract class RequestBody extends InputStream {

    private Runnable beforeFirstRead = () -> { };
    private boolean started;

    /** The declared length: 0 without a body, -1 when chunked. */
    public abstract long length();

    /** True once every byte of the body has been read (and the connection is at the next request). */
    abstract boolean finished();

    /** Runs once, just before the body is first read: where {@code 100 Continue} is sent when asked for. */
    void beforeFirstRead(Runnable action) {
        this.beforeFirstRead = action;
    }

    protected final void starting() {
        if (!started) {
            started = true;
            beforeFirstRead.run();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    /**
     * Reads what is left of a small body the application did not want (a GET with a body, a refused POST), so
     * the connection can be kept. Returns false when the body is left unread: the connection must then close.
     */
    boolean discardIfAtMost(long max) throws IOException {
        if (finished()) {
            return true;
        }
        if (length() < 0 || length() > max) {
            return false;
        }
        byte[] buffer = new byte[8192];
        while (read(buffer, 0, buffer.length) >= 0) {
            // discard
        }
        return finished();
    }

    /**
     * Chooses the framing from the head. Both Content-Length and Transfer-Encoding, or several different lengths,
     * are refused: two parties reading the same bytes as different requests is how request smuggling works.
     */
    static RequestBody forHeaders(HttpRequest request, InputStream in) throws HttpRequest.BadHead {
        List<String> encodings = request.headerTokens("Transfer-Encoding");
        List<String> lengths = request.headerTokens("Content-Length");
        if (!encodings.isEmpty()) {
            if (!lengths.isEmpty()) {
                throw new HttpRequest.BadHead(400, "A request may not have both Content-Length and Transfer-Encoding.");
            }
            if (!request.isHttp11()) {
                throw new HttpRequest.BadHead(400, "Transfer-Encoding needs HTTP/1.1.");
            }
            if (encodings.size() != 1 || !encodings.get(0).toLowerCase(Locale.ROOT).equals("chunked")) {
                throw new HttpRequest.BadHead(501, "Only Transfer-Encoding: chunked is understood.");
            }
            return new Chunked(in);
        }
        if (lengths.isEmpty()) {
            return new Fixed(in, 0);
        }
        String first = lengths.get(0);
        for (String length : lengths) {
            if (!length.equals(first)) {
                throw new HttpRequest.BadHead(400, "Content-Length is given twice, differently.");
            }
        }
        if (first.isEmpty() || !first.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new HttpRequest.BadHead(400, "Content-Length is not a number.");
        }
        // more digits than a long holds is still a length, just one far too large: the 413 check refuses it
        long length = first.length() > 18 ? Long.MAX_VALUE : Long.parseLong(first);
        return new Fixed(in, length);
    }

    /** A Content-Length body: exactly that many bytes. */
    private static final class Fixed extends RequestBody {
        private final InputStream in;
        private final long length;
        private long remaining;

        Fixed(InputStream in, long length) {
            this.in = in;
            this.length = length;
            this.remaining = length;
        }

        @Override
        public long length() {
            return length;
        }

        @Override
        boolean finished() {
            return remaining == 0;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            starting();
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new IOException("the connection ended " + remaining + " bytes before the body's end");
            }
            remaining -= n;
            return n;
        }
    }

    /**
     * A chunked body (RFC 9112 7.1): hex size line (extensions ignored), that many bytes, CRLF; a 0 size ends it,
     * followed by trailer lines, which are read and ignored. A malformed frame is 400.
     */
    private static final class Chunked extends RequestBody {
        private static final int MAX_LINE = 4096;
        private final InputStream in;
        private long chunkLeft; // bytes left in the current chunk
        private boolean done;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public long length() {
            return -1;
        }

        @Override
        boolean finished() {
            return done;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            starting();
            if (chunkLeft == 0) {
                String sizeLine = line();
                int semicolon = sizeLine.indexOf(';');
                String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).strip();
                if (hex.isEmpty() || hex.length() > 15 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                    throw malformed();
                }
                chunkLeft = Long.parseLong(hex, 16);
                if (chunkLeft == 0) {
                    while (!line().isEmpty()) {
                        // trailer fields: nothing here needs them
                    }
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, chunkLeft));
            if (n < 0) {
                throw new IOException("the connection ended in the middle of a chunk");
            }
            chunkLeft -= n;
            if (chunkLeft == 0 && !line().isEmpty()) { // the CRLF after each chunk's data
                throw malformed();
            }
            return n;
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("the connection ended in the middle of a chunked body");
                }
                if (c == '\n') {
                    int end = line.length();
                    return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
                }
                if (line.length() >= MAX_LINE) {
                    throw malformed();
                }
                line.append((char) c);
            }
        }

        private static ApiError malformed() {
            return new ApiError(400, "The chunked body is malformed.");
        }
    }
}
