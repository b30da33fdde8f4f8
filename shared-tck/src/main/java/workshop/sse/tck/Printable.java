package workshop.sse.tck;

/** Shows text with its line breaks and control characters visible, for failure messages that fit on one line. */
final class Printable {

    private Printable() {
    }

    static String of(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("\"");
        int max = 300;
        for (int i = 0; i < text.length() && i < max; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '"' -> out.append("\\\"");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (text.length() > max) {
            out.append("...(").append(text.length()).append(" chars)");
        }
        return out.append('"').toString();
    }

    static String of(byte[] bytes) {
        return of(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
    }
}
