package workshop.sse.tck;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits the raw bytes of an event stream into {@link SseFrame}s. Lines end in CRLF, LF or CR, as the WHATWG
 * parser accepts. Like {@link ChunkedInputStream}, it keeps its state in fields so that a read timeout loses nothing.
 */
final class SseFrameReader {

    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final List<String> lines = new ArrayList<>();
    private boolean skipLf;
    private long bytesRead;

    SseFrameReader(InputStream in) {
        this.in = in;
    }

    long bytesRead() {
        return bytesRead;
    }

    /** The next complete frame, or null when the stream ended (an unfinished frame is dropped, as EventSource does). */
    SseFrame next() throws IOException {
        while (true) {
            String text = readLine();
            if (text == null) {
                return null;
            }
            if (!text.isEmpty()) {
                lines.add(text);
            } else if (!lines.isEmpty()) {
                SseFrame frame = new SseFrame(List.copyOf(lines), System.nanoTime());
                lines.clear();
                return frame;
            }
        }
    }

    private String readLine() throws IOException {
        while (true) {
            int b = in.read();
            if (b == -1) {
                return null;
            }
            bytesRead++;
            if (b == '\n' && skipLf) {
                skipLf = false;
                continue;
            }
            skipLf = b == '\r';
            if (b == '\r' || b == '\n') {
                String text = line.toString(StandardCharsets.UTF_8);
                line.reset();
                return text;
            }
            line.write(b);
        }
    }
}
