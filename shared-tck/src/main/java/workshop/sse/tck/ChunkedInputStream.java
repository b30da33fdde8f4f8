package workshop.sse.tck;

import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes {@code Transfer-Encoding: chunked} (RFC 9112 §7.1), so that checks see the bytes the server meant to send.
 * Its state lives in fields, not on the stack: after a read timeout (the kit's way of asking "anything yet?") the
 * next read carries on where the last one stopped.
 */
final class ChunkedInputStream extends InputStream {

    private enum State { SIZE, DATA, DATA_END, TRAILER, DONE }

    private final InputStream in;
    private final StringBuilder line = new StringBuilder();
    private final byte[] one = new byte[1];
    private State state = State.SIZE;
    private long remaining;
    private boolean cleanEnd;

    ChunkedInputStream(InputStream in) {
        this.in = in;
    }

    /** True once the last chunk (size 0) and the trailer arrived: the server ended the body on purpose. */
    boolean cleanEnd() {
        return cleanEnd;
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        while (true) {
            switch (state) {
                case DONE -> {
                    return -1;
                }
                case SIZE -> {
                    String sizeLine = readLine();
                    if (sizeLine == null) {
                        return -1;
                    }
                    String hex = sizeLine.split(";", 2)[0].strip();
                    try {
                        remaining = Long.parseLong(hex, 16);
                    } catch (NumberFormatException e) {
                        throw new IOException("malformed chunk size line: " + Printable.of(sizeLine));
                    }
                    state = remaining == 0 ? State.TRAILER : State.DATA;
                }
                case DATA -> {
                    int n = in.read(buffer, offset, (int) Math.min(length, remaining));
                    if (n == -1) {
                        state = State.DONE;
                        return -1;
                    }
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.DATA_END;
                    }
                    return n;
                }
                case DATA_END -> {
                    String rest = readLine();
                    if (rest == null) {
                        return -1;
                    }
                    if (!rest.isEmpty()) {
                        throw new IOException("chunk data longer than its size line said: " + Printable.of(rest));
                    }
                    state = State.SIZE;
                }
                case TRAILER -> {
                    String trailer = readLine();
                    if (trailer == null) {
                        return -1;
                    }
                    if (trailer.isEmpty()) {
                        state = State.DONE;
                        cleanEnd = true;
                    }
                }
            }
        }
    }

    /** One CRLF-terminated line without its terminator, or null at end of stream. */
    private String readLine() throws IOException {
        while (true) {
            int b = in.read();
            if (b == -1) {
                state = State.DONE;
                return null;
            }
            if (b == '\n') {
                String text = line.toString();
                line.setLength(0);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.append((char) b);
        }
    }
}
