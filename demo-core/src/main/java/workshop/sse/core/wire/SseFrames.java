package workshop.sse.core.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The text/event-stream wire format, written once. A frame is lines ending in LF and a blank line. Data is split
 * at every line break (CRLF, CR or LF), one {@code data:} line each, so no data can start a field of its own.
 */
public final class SseFrames {

    private static final Pattern EVENT_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private SseFrames() {
    }

    public static String retry(long millis) {
        return "retry: " + millis + "\n\n";
    }

    /** A comment line and the blank line that ends the frame: a heartbeat. */
    public static String comment(String text) {
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a comment is one line");
        }
        return ":" + (text.isEmpty() ? "" : " " + text) + "\n\n";
    }

    public static String heartbeat() {
        return comment("heartbeat");
    }

    public static String event(String id, String name, String data) {
        requireEventName(name);
        StringBuilder frame = new StringBuilder(data.length() + 64);
        if (id != null) {
            frame.append("id: ").append(requireId(id)).append('\n');
        }
        frame.append("event: ").append(name).append('\n');
        for (String line : lines(data)) {
            frame.append("data: ").append(line).append('\n');
        }
        return frame.append('\n').toString();
    }

    /**
     * The lines of a text, split at CRLF, CR or LF. A line break at the end makes a last empty line, so that a
     * client joining the data lines with LF gets the text back with every line break as LF.
     */
    public static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n') {
                lines.add(text.substring(start, i));
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        lines.add(text.substring(start));
        return lines;
    }

    /**
     * The data for a stack that writes {@code data:} with no space after the colon and splits it at LF only: every
     * line break as LF and one space before each line. A client drops that one space, so it reads exactly the lines
     * {@link #event} would have sent, a line that starts with a space and an empty last line included.
     */
    public static String dataForNoSpaceWriter(String text) {
        return " " + String.join("\n ", lines(text));
    }

    public static boolean isEventName(String name) {
        return name != null && EVENT_NAME.matcher(name).matches();
    }

    static void requireEventName(String name) {
        if (!isEventName(name)) {
            throw new IllegalArgumentException("not an event name: " + name);
        }
    }

    private static String requireId(String id) {
        if (id.isEmpty() || !id.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("not an event id: " + id);
        }
        return id;
    }
}
