package workshop.sse.tck;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One stream of an {@link Http2Wire}, as the kit sees it: its response head (every field, as sent), its DATA as bytes
 * and as SSE frames, and how it ended: END_STREAM, the server's RST_STREAM, or the connection's end. Every read has a
 * deadline, as on {@link RawHttp}.
 */
public final class Http2Stream {

    /** What the server answered first: a head with its fields, or no head (the stream was reset, or the connection ended). */
    public record Answer(int status, List<String[]> fields, String refusal) {

        public boolean answered() {
            return refusal == null;
        }

        public List<String> names() {
            return fields.stream().map(field -> field[0]).toList();
        }

        public String header(String name) {
            return fields.stream().filter(field -> field[0].equalsIgnoreCase(name)).map(field -> field[1]).findFirst()
                    .orElse(null);
        }

        public String describe() {
            return answered() ? fields.stream().map(field -> field[0] + ": " + field[1]).toList().toString() : refusal;
        }
    }

    private sealed interface Event permits Head, Data, End {
    }

    private record Head(List<String[]> fields) implements Event {
    }

    private record Data(byte[] bytes) implements Event {
    }

    private record End(String why) implements Event {
    }

    private final Http2Wire wire;
    private final int id;
    private final String name;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Body body = new Body();
    private final SseFrameReader frames = new SseFrameReader(body);
    private volatile boolean ended;
    private volatile Integer resetCode;
    private long sentNanos;
    private Answer answer;
    private String endedBy;

    Http2Stream(Http2Wire wire, int id, String name) {
        this.wire = wire;
        this.id = id;
        this.name = name;
    }

    public int id() {
        return id;
    }

    public long sentNanos() {
        return sentNanos;
    }

    // ---- what the reader thread hands over

    void sent(long nanos) {
        sentNanos = nanos;
    }

    void headers(List<String[]> fields, boolean endStream) {
        events.add(new Head(fields));
        if (endStream) {
            end("END_STREAM");
        }
    }

    void data(byte[] bytes, boolean endStream) {
        if (bytes.length > 0) {
            events.add(new Data(bytes));
        }
        if (endStream) {
            end("END_STREAM");
        }
    }

    void reset(int code) {
        resetCode = code;
        end("RST_STREAM " + Http2Wire.errorName(code));
    }

    void connectionEnded(String why) {
        end(why);
    }

    private void end(String why) {
        if (!ended) {
            ended = true;
            events.add(new End(why));
        }
    }

    // ---- what a check asks

    /** The response head, or how the server refused to give one. */
    public Answer answer(Duration within) throws IOException {
        if (answer != null) {
            return answer;
        }
        Event event = take(within);
        if (event == null) {
            throw new SocketTimeoutException(name + ": no response head within " + within.toMillis() + " ms");
        }
        if (event instanceof Head head) {
            String status = head.fields().stream().filter(f -> f[0].equals(":status")).map(f -> f[1]).findFirst()
                    .orElse("-1");
            answer = new Answer(Integer.parseInt(status), head.fields(), null);
        } else if (event instanceof End end) {
            endedBy = end.why();
            body.done = true;
            answer = new Answer(-1, List.of(), end.why());
        } else {
            throw new IOException(name + ": DATA before the response head");
        }
        return answer;
    }

    /** The RST_STREAM error code the server sent, or null. */
    public Integer resetCode() {
        return resetCode;
    }

    /** The next SSE frame (comments included), or null when the stream ended. */
    public SseFrame next(Duration within) throws IOException {
        answer(within);
        body.deadline = System.nanoTime() + within.toNanos();
        return frames.next();
    }

    /** The next event, skipping comments and {@code retry:}; null when the stream ended. */
    public SseFrame nextEvent(Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            SseFrame frame = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (frame == null || frame.isEvent()) {
                return frame;
            }
        }
    }

    /** Reads (and drops) what comes until the stream ends; returns how it ended. */
    public String readToEnd(Duration within) throws IOException {
        answer(within);
        body.deadline = System.nanoTime() + within.toNanos();
        byte[] sink = new byte[16 * 1024];
        while (body.read(sink, 0, sink.length) != -1) {
            // dropped
        }
        return endedBy;
    }

    /** The whole body of an ordinary answer (read until END_STREAM). */
    public byte[] body(Duration within) throws IOException {
        answer(within);
        body.deadline = System.nanoTime() + within.toNanos();
        return body.readAllBytes();
    }

    /** Gives the stream, opened starved, its window at last, so that it can read what the server still sends it. */
    public void grant() throws IOException {
        wire.grant(id);
    }

    /** The body bytes the kit has read so far. */
    public long bytesRead() {
        return body.read;
    }

    /** How the stream ended (END_STREAM, RST_STREAM ..., or the connection's end), once the kit read to the end. */
    public String endedBy() {
        return endedBy;
    }

    /** Resets the stream (RST_STREAM CANCEL). */
    public void reset() throws IOException {
        wire.reset(id);
    }

    private Event take(Duration within) throws IOException {
        try {
            return events.poll(Math.max(0, within.toNanos()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /** The DATA of the stream as an InputStream; a read past the deadline throws, and loses nothing. */
    private final class Body extends InputStream {
        volatile long deadline;
        long read;
        private byte[] current = new byte[0];
        private int position;
        boolean done;

        @Override
        public int read() throws IOException {
            if (!fill()) {
                return -1;
            }
            read++;
            return current[position++] & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            if (!fill()) {
                return -1;
            }
            int n = Math.min(length, current.length - position);
            System.arraycopy(current, position, into, offset, n);
            position += n;
            read += n;
            return n;
        }

        /** False at the end of the stream. */
        private boolean fill() throws IOException {
            while (position == current.length) {
                if (done) {
                    return false;
                }
                Event event = take(Duration.ofNanos(deadline - System.nanoTime()));
                if (event == null) {
                    throw new SocketTimeoutException(name + ": no data within the deadline");
                }
                if (event instanceof Data data) {
                    current = data.bytes();
                    position = 0;
                } else if (event instanceof End end) {
                    done = true;
                    endedBy = end.why();
                } // a second HEADERS (trailers): nothing for the body
            }
            return true;
        }
    }
}
