package workshop.sse.core.demo;

import java.util.OptionalLong;

/** Reading a client's last event id: 1 to 18 ASCII digits, or there is no id at all. */
public final class EventIds {

    private EventIds() {
    }

    public static OptionalLong parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 18) {
            return OptionalLong.empty();
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') { // not Character.isDigit: that also accepts other scripts' digits
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(Long.parseLong(text)); // 18 digits always fit in a long
    }

    /** The header wins when it is valid; otherwise the query parameter; otherwise none. */
    public static OptionalLong parse(String header, String queryParameter) {
        OptionalLong fromHeader = parse(header);
        return fromHeader.isPresent() ? fromHeader : parse(queryParameter);
    }
}
