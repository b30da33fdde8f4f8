package workshop.sse.rawsocket.selftest;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A request head as the proxy read it from a client: its lines (the request line first, no line ends) and, while no
 * fault changed it, its exact bytes. A malformed head is kept as it came; only a fault looks at what it means.
 *
 * @param raw  the head exactly as it came, or null once changed (then it is written from its lines, with CRLF)
 * @param sent the head as the client sent it, or null when this is that head
 */
record Request(List<String> lines, byte[] raw, Request sent) {

    private static final Pattern REQUEST_LINE = Pattern.compile("[A-Z]+ (/\\S*|\\*) HTTP/\\d\\.\\d");
    private static final Pattern HEADER_LINE = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+:.*");

    /** {@code head} ends with its blank line. */
    static Request parse(byte[] head) {
        return new Request(Wire.lines(head), head, null);
    }

    /** A request line and header lines as HTTP/1.1 has them (RFC 9112, in short). */
    boolean wellFormed() {
        return requestLineWellFormed() && lines.stream().skip(1).allMatch(line -> HEADER_LINE.matcher(line).matches());
    }

    boolean requestLineWellFormed() {
        return REQUEST_LINE.matcher(lines.get(0)).matches();
    }

    String method() {
        return word(0);
    }

    String target() {
        return word(1);
    }

    String path() {
        String target = target();
        return target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
    }

    boolean is(String method, String path) {
        return method.equals(method()) && path.equals(path());
    }

    private String word(int n) {
        String[] words = lines.get(0).split(" ");
        return n < words.length ? words[n] : "";
    }

    /** The value of the first header of that name, or null. */
    String header(String name) {
        return Wire.header(lines, name);
    }

    /** The value of the first query parameter of that name ("" without '='), as it is on the wire; or null. */
    String query(String name) {
        String target = target();
        if (!target.contains("?")) {
            return null;
        }
        for (String parameter : target.substring(target.indexOf('?') + 1).split("&")) {
            String[] pair = parameter.split("=", 2);
            if (pair[0].equals(name)) {
                return pair.length == 2 ? pair[1] : "";
            }
        }
        return null;
    }

    /** Every query parameter of that name set to {@code value}, or removed when {@code value} is null. */
    Request withQuery(String name, String value) {
        String path = path();
        List<String> parameters = new ArrayList<>();
        if (target().contains("?")) {
            for (String parameter : target().substring(target().indexOf('?') + 1).split("&")) {
                if (!parameter.split("=", 2)[0].equals(name)) {
                    parameters.add(parameter);
                }
            }
        }
        if (value != null) {
            parameters.add(name + "=" + value);
        }
        return withRequestLine(method(), parameters.isEmpty() ? path : path + "?" + String.join("&", parameters));
    }

    Request withRequestLine(String method, String target) {
        List<String> changed = new ArrayList<>(lines);
        changed.set(0, method + " " + target + " " + word(2));
        return changed(changed);
    }

    /** Every header of that name replaced by one with {@code value}, or removed when {@code value} is null. */
    Request with(String name, String value) {
        return changed(Wire.withHeader(lines, name, value));
    }

    Request without(String name) {
        return with(name, null);
    }

    /** Only the header lines the predicate keeps. */
    Request keepingHeaders(Predicate<String> keep) {
        List<String> changed = new ArrayList<>(List.of(lines.get(0)));
        lines.stream().skip(1).filter(keep).forEach(changed::add);
        return changed(changed);
    }

    private Request changed(List<String> changed) {
        return new Request(List.copyOf(changed), null, original());
    }

    /** The head as the client sent it. */
    Request original() {
        return sent == null ? this : sent;
    }

    byte[] bytes() {
        return raw != null ? raw : Wire.head(lines);
    }

    @Override
    public String toString() {
        return lines.get(0);
    }
}
