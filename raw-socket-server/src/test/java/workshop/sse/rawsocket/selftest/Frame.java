package workshop.sse.rawsocket.selftest;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import workshop.sse.tck.SseFrame;

/**
 * One SSE frame on its way to a client: its lines (bytes as ISO-8859-1, so that they pass unchanged), up to the blank
 * line that ends it; a stream that ends in the middle of a frame ends with one that is not {@code complete}.
 */
record Frame(List<String> lines, boolean complete) {

    /** What a fault does to each frame of one stream: the frames to write instead (none drops it). */
    @FunctionalInterface
    interface Filter {
        Filter NONE = List::of;

        /** @return the frames to write, or null to end the stream here */
        List<Frame> apply(Frame frame) throws InterruptedException;

        /** The frames to write when the server ends the stream. */
        default List<Frame> atEnd() {
            return List.of();
        }
    }

    /**
     * The next frame, its lines ended by LF (as every server here writes them); null at the end of the stream. What
     * is left at the end without a blank line after it comes back as a frame that is not {@code complete}.
     */
    static Frame read(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b == -1) {
                if (line.size() > 0) {
                    lines.add(line.toString(ISO_8859_1));
                }
                return lines.isEmpty() ? null : new Frame(lines, false);
            }
            if (b != '\n') {
                line.write(b);
            } else if (line.size() > 0) {
                lines.add(line.toString(ISO_8859_1));
                line.reset();
            } else if (!lines.isEmpty()) {
                return new Frame(lines, true);
            }
        }
    }

    /** The values of the fields of that name, read as the kit reads them ({@link SseFrame}). */
    List<String> values(String name) {
        return asTheKitReadsIt().values(name);
    }

    String value(String name) {
        return asTheKitReadsIt().value(name);
    }

    boolean has(String name) {
        return asTheKitReadsIt().has(name);
    }

    /** A heartbeat: comment lines only. */
    boolean isComment() {
        return asTheKitReadsIt().isComment();
    }

    private SseFrame asTheKitReadsIt() {
        return new SseFrame(lines, 0);
    }

    boolean isEvent(String name) {
        return name.equals(value("event"));
    }

    /** The frame without the lines of that field. */
    Frame without(String name) {
        return new Frame(lines.stream().filter(line -> !line.equals(name) && !line.startsWith(name + ":")).toList(),
                complete);
    }

    /** The frame with the lines of that field replaced by one line {@code name: value}, where the first one was. */
    Frame with(String name, String value) {
        List<String> changed = new ArrayList<>();
        boolean placed = false;
        for (String line : lines) {
            if (line.equals(name) || line.startsWith(name + ":")) {
                if (!placed) {
                    changed.add(name + ": " + value);
                    placed = true;
                }
            } else {
                changed.add(line);
            }
        }
        return new Frame(changed, complete);
    }

    byte[] bytes() {
        StringBuilder text = new StringBuilder();
        lines.forEach(line -> text.append(line).append('\n'));
        if (complete) {
            text.append('\n');
        }
        return text.toString().getBytes(ISO_8859_1);
    }
}
