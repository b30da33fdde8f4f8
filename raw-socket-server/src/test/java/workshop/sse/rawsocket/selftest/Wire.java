package workshop.sse.rawsocket.selftest;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** HTTP heads on the wire, for requests and responses alike: reading one, its lines, its headers, writing it. */
final class Wire {

    /** The longest head the proxy reads as a head; a longer one is passed on as bytes it does not understand. */
    static final int MAX_HEAD = 128 * 1024;

    private Wire() {
    }

    /** What {@link #readHead} found. */
    record Head(byte[] bytes, boolean complete) {
    }

    /**
     * Bytes up to and including the blank line that ends a head (CRLF or a bare LF). Null at the end of the stream
     * before any byte; an incomplete head (the stream ended, or it passed {@link #MAX_HEAD}) when there is no such line.
     */
    static Head readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int lineLength = 0;
        while (head.size() < MAX_HEAD) {
            int b = in.read();
            if (b == -1) {
                return head.size() == 0 ? null : new Head(head.toByteArray(), false);
            }
            head.write(b);
            if (b == '\n') {
                if (lineLength == 0 && head.size() > 2) {
                    return new Head(head.toByteArray(), true);
                }
                lineLength = 0;
            } else if (b != '\r') {
                lineLength++;
            }
        }
        return new Head(head.toByteArray(), false);
    }

    /** The lines of a head, without their line ends and without the final blank line. */
    static List<String> lines(byte[] head) {
        List<String> lines = new ArrayList<>(Arrays.asList(new String(head, ISO_8859_1).split("\r?\n", -1)));
        while (lines.size() > 1 && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return List.copyOf(lines);
    }

    /** A head written from its lines. */
    static byte[] head(List<String> lines) {
        return (String.join("\r\n", lines) + "\r\n\r\n").getBytes(ISO_8859_1);
    }

    /** The value of the first header of that name (case-insensitive), or null. */
    static String header(List<String> lines, String name) {
        for (String line : lines.subList(1, lines.size())) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).strip();
            }
        }
        return null;
    }

    /** Every header of that name replaced by one with {@code value} where the first was, or removed when it is null. */
    static List<String> withHeader(List<String> lines, String name, String value) {
        List<String> changed = new ArrayList<>(List.of(lines.get(0)));
        boolean placed = false;
        for (String line : lines.subList(1, lines.size())) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) {
                if (value != null && !placed) {
                    changed.add(name + ": " + value);
                }
                placed = true;
            } else {
                changed.add(line);
            }
        }
        if (value != null && !placed) {
            changed.add(name + ": " + value);
        }
        return changed;
    }

    /** How many header lines of that name there are. */
    static long count(List<String> lines, String name) {
        return lines.stream().skip(1).filter(line -> line.indexOf(':') > 0
                && line.substring(0, line.indexOf(':')).strip().equalsIgnoreCase(name)).count();
    }
}
