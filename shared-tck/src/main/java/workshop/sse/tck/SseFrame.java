package workshop.sse.tck;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One block of an event stream as it came over the wire: the lines up to a blank line (WHATWG HTML, "Server-sent
 * events", event stream interpretation). A frame of comment lines only is a heartbeat.
 *
 * @param receivedNanos {@link System#nanoTime()} when the blank line that ends the frame arrived
 */
public record SseFrame(List<String> lines, long receivedNanos) {

    /** One "name: value" line; a lone "name" has an empty value; one space after the colon is not part of it. */
    public record Field(String name, String value) {
    }

    public List<Field> fields() {
        return lines.stream().filter(line -> !line.startsWith(":")).map(SseFrame::field).toList();
    }

    private static Field field(String line) {
        int colon = line.indexOf(':');
        if (colon == -1) {
            return new Field(line, "");
        }
        String value = line.substring(colon + 1);
        return new Field(line.substring(0, colon), value.startsWith(" ") ? value.substring(1) : value);
    }

    /** True when every line is a comment (starts with ':'). */
    public boolean isComment() {
        return lines.stream().allMatch(line -> line.startsWith(":"));
    }

    /** True when the frame carries more than comments and {@code retry:}: an event, or at least an id. */
    public boolean isEvent() {
        return fields().stream().anyMatch(f -> !f.name().equals("retry"));
    }

    public List<String> values(String name) {
        return fields().stream().filter(f -> f.name().equals(name)).map(Field::value).toList();
    }

    /** The value of the first field with that name, or null. */
    public String value(String name) {
        List<String> values = values(name);
        return values.isEmpty() ? null : values.get(0);
    }

    public boolean has(String name) {
        return !values(name).isEmpty();
    }

    public String id() {
        return value("id");
    }

    public String event() {
        return value("event");
    }

    /** The data lines joined with LF, as EventSource joins them, or null when there is no data line. */
    public String data() {
        List<String> data = values("data");
        return data.isEmpty() ? null : String.join("\n", data);
    }

    /** True for "event: presence" frames (they are not replayed and carry no id). */
    public boolean isPresence() {
        return "presence".equals(event());
    }

    /** The frame on one line, for failure messages. */
    public String describe() {
        return lines.stream().map(Printable::of).collect(Collectors.joining(" ", "[", "]"));
    }

    @Override
    public String toString() {
        return describe();
    }
}
