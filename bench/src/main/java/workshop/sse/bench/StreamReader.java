package workshop.sse.bench;

import java.nio.ByteBuffer;

/**
 * Reads one SSE response as its bytes arrive, in whatever pieces: the HTTP head (status, chunked or not), the chunk
 * framing when there is one, then the SSE lines. Each complete event that has an {@code id:} and a first data line
 * starting with a number (the publisher's send time) is handed to the {@link Listener}. Allocation-free per byte:
 * one generator thread reads thousands of these.
 */
final class StreamReader {

    interface Listener {
        /** The response head is complete. */
        void head(int status);

        /** An event with an id, and the send time its data starts with (or -1 when it has none). */
        void event(long id, long sentNanos);
    }

    private static final int MAX_HEAD = 16 * 1024;
    private static final int MAX_LINE = 512; // longer lines are cut: the bench's own events are short

    private enum Part { HEAD, BODY, CHUNK_SIZE, CHUNK_EXTENSION, CHUNK_DATA, CHUNK_END, DONE }

    private final Listener listener;
    private Part part = Part.HEAD;
    private byte[] head = new byte[256];
    private int headLength;
    private boolean chunked;
    private long chunkLeft;

    private final byte[] line = new byte[MAX_LINE];
    private int lineLength;
    private boolean skipLf;
    private long eventId = -1;
    private long eventSent = -1;
    private boolean sawData;

    StreamReader(Listener listener) {
        this.listener = listener;
    }

    /** A reader of the SSE body alone, its head and framing read already (by an HTTP client, over HTTP/2 say). */
    static StreamReader body(Listener listener) {
        StreamReader reader = new StreamReader(listener);
        reader.part = Part.BODY;
        reader.head = null;
        return reader;
    }

    /** Reads everything left in {@code bytes}. Returns false when the response is malformed. */
    boolean read(ByteBuffer bytes) {
        while (bytes.hasRemaining()) {
            switch (part) {
                case HEAD -> {
                    if (!readHead(bytes)) {
                        return false;
                    }
                }
                case BODY -> sse(bytes, bytes.remaining());
                case CHUNK_SIZE -> {
                    byte b = bytes.get();
                    int digit = Character.digit(b, 16);
                    if (digit >= 0) {
                        chunkLeft = chunkLeft * 16 + digit;
                    } else if (b == ';' || b == ' ') {
                        part = Part.CHUNK_EXTENSION;
                    } else if (b == '\n') {
                        part = chunkLeft == 0 ? Part.DONE : Part.CHUNK_DATA;
                    } else if (b != '\r') {
                        return false;
                    }
                }
                case CHUNK_EXTENSION -> {
                    if (bytes.get() == '\n') {
                        part = chunkLeft == 0 ? Part.DONE : Part.CHUNK_DATA;
                    }
                }
                case CHUNK_DATA -> {
                    int n = (int) Math.min(chunkLeft, bytes.remaining());
                    sse(bytes, n);
                    chunkLeft -= n;
                    if (chunkLeft == 0) {
                        part = Part.CHUNK_END;
                    }
                }
                case CHUNK_END -> {
                    if (bytes.get() == '\n') {
                        part = Part.CHUNK_SIZE;
                    }
                }
                case DONE -> bytes.position(bytes.limit());
            }
        }
        return true;
    }

    private boolean readHead(ByteBuffer bytes) {
        while (bytes.hasRemaining()) {
            if (headLength == head.length) {
                if (head.length >= MAX_HEAD) {
                    return false;
                }
                head = java.util.Arrays.copyOf(head, head.length * 2);
            }
            head[headLength++] = bytes.get();
            if (headLength >= 4 && head[headLength - 1] == '\n' && head[headLength - 2] == '\r'
                    && head[headLength - 3] == '\n' && head[headLength - 4] == '\r') {
                String text = new String(head, 0, headLength, java.nio.charset.StandardCharsets.ISO_8859_1);
                head = null;
                if (!text.startsWith("HTTP/1.") || text.length() < 12) {
                    return false;
                }
                int status = Integer.parseInt(text.substring(9, 12));
                chunked = text.toLowerCase(java.util.Locale.ROOT).contains("\ntransfer-encoding: chunked");
                part = chunked ? Part.CHUNK_SIZE : Part.BODY;
                listener.head(status);
                return true;
            }
        }
        return true;
    }

    /** Feeds {@code n} body bytes to the SSE line reader. */
    private void sse(ByteBuffer bytes, int n) {
        for (int i = 0; i < n; i++) {
            byte b = bytes.get();
            if (skipLf) {
                skipLf = false;
                if (b == '\n') {
                    continue;
                }
            }
            if (b == '\n' || b == '\r') {
                skipLf = b == '\r';
                line();
                lineLength = 0;
            } else if (lineLength < MAX_LINE) {
                line[lineLength++] = b;
            }
        }
    }

    private void line() {
        if (lineLength == 0) { // a blank line dispatches the event
            if (eventId >= 0) {
                listener.event(eventId, eventSent);
            }
            eventId = -1;
            eventSent = -1;
            sawData = false;
        } else if (startsWith("id:")) {
            eventId = number(3);
        } else if (startsWith("data:") && !sawData) {
            sawData = true;
            eventSent = number(5);
        }
    }

    private boolean startsWith(String field) {
        if (lineLength < field.length()) {
            return false;
        }
        for (int i = 0; i < field.length(); i++) {
            if (line[i] != field.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The decimal number after the field name (one optional space), or -1. */
    private long number(int from) {
        int i = from < lineLength && line[from] == ' ' ? from + 1 : from;
        long value = 0;
        int digits = 0;
        for (; i < lineLength && line[i] >= '0' && line[i] <= '9' && digits < 19; i++, digits++) {
            value = value * 10 + (line[i] - '0');
        }
        return digits == 0 ? -1 : value;
    }
}
