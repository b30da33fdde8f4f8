package workshop.sse.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * The status line and header fields of one response, exactly as they came over the wire: an HTTP/1.1 head, or an
 * HTTP/2 one (lower-case names, a status line made up as {@code HTTP/2 200}). Names are looked up case-insensitively.
 *
 * @param receivedNanos {@link System#nanoTime()} when the blank line that ends the head arrived
 */
public record HttpHead(String statusLine, int status, List<Map.Entry<String, String>> fields, long receivedNanos) {

    /** Parses the lines of a response head (status line first, without the final blank line). */
    static HttpHead parse(List<String> lines, long receivedNanos) throws java.io.IOException {
        String statusLine = lines.get(0);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("\\d{3}")) {
            throw new java.io.IOException("not an HTTP status line: " + Printable.of(statusLine));
        }
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new java.io.IOException("malformed header line in response: " + Printable.of(line));
            }
            fields.add(Map.entry(line.substring(0, colon), line.substring(colon + 1).strip()));
        }
        return new HttpHead(statusLine, Integer.parseInt(parts[1]), List.copyOf(fields), receivedNanos);
    }

    /** The head of a response OkHttp read (over HTTP/2: its HEADERS frame). */
    static HttpHead of(okhttp3.Response response, long receivedNanos) {
        String version = response.protocol() == okhttp3.Protocol.HTTP_2 ? "HTTP/2" : "HTTP/1.1";
        String statusLine = version + " " + response.code() + (response.message().isEmpty() ? "" : " " + response.message());
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        response.headers().forEach(pair -> fields.add(Map.entry(pair.getFirst(), pair.getSecond())));
        return new HttpHead(statusLine, response.code(), List.copyOf(fields), receivedNanos);
    }

    /** The first value of a header field (names are case-insensitive), or null. */
    public String header(String name) {
        List<String> values = headers(name);
        return values.isEmpty() ? null : values.get(0);
    }

    /** Every value of a header field, in order. */
    public List<String> headers(String name) {
        return fields.stream().filter(f -> f.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
    }

    public boolean has(String name) {
        return !headers(name).isEmpty();
    }

    /** The comma-separated elements of every value of a header field, trimmed and lower-cased. */
    public List<String> tokens(String name) {
        List<String> tokens = new ArrayList<>();
        for (String value : headers(name)) {
            for (String token : value.split(",")) {
                if (!token.isBlank()) {
                    tokens.add(token.strip().toLowerCase(Locale.ROOT));
                }
            }
        }
        return tokens;
    }

    public boolean chunked() {
        return tokens("Transfer-Encoding").contains("chunked");
    }

    public OptionalLong contentLength() {
        String value = header("Content-Length");
        return value == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(value.strip()));
    }

    /** The head as one line, for failure messages. */
    public String describe() {
        return statusLine + fields.stream().map(f -> " | " + f.getKey() + ": " + f.getValue()).collect(Collectors.joining());
    }
}
