package workshop.sse.rawsocket.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import workshop.sse.core.http.HeadRules;

/**
 * One request head, read by hand (RFC 9112): the request line, then header lines up to a blank line. This is the
 * part every framework does for you, and where a server is easiest to attack, so it is strict: anything it cannot
 * read exactly is 400, and it never reads more than {@link HeadRules#MAX_BYTES} (431) before giving up.
 */
public final class HttpRequest {

    /** A head the server refuses before the application sees it (400, 431, 501, 505). */
    static final class BadHead extends Exception {
        final int status;

        BadHead(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private static final Pattern VERSION = Pattern.compile("HTTP/\\d\\.\\d");

    private final String method;
    private final String path;
    private final Map<String, String> query;
    private final String rawQuery;
    private final String version;
    private final Map<String, List<String>> headers; // names lower-cased: HTTP header names ignore case
    private RequestBody body;

    private HttpRequest(String method, String path, Map<String, String> query, String rawQuery, String version,
                        Map<String, List<String>> headers) {
        this.method = method;
        this.path = path;
        this.query = query;
        this.rawQuery = rawQuery;
        this.version = version;
        this.headers = headers;
    }

    /**
     * Reads one head. Returns null when the connection ended cleanly before a request began (a kept-alive client
     * that went away); throws {@link BadHead} for a head to refuse, and IOException (a timeout among them) when
     * the connection failed in the middle.
     */
    static HttpRequest read(InputStream in) throws IOException, BadHead {
        HeadReader reader = new HeadReader(in);
        String requestLine;
        do { // RFC 9112 2.2: a server should ignore empty lines before the request line
            requestLine = reader.line();
            if (requestLine == null) {
                return null;
            }
        } while (requestLine.isEmpty());

        String[] parts = requestLine.split(" ", -1); // exactly one space between the three parts
        if (parts.length != 3) {
            throw new BadHead(400, "The request line must be: METHOD /path HTTP/1.1.");
        }
        String method = parts[0];
        String target = parts[1];
        String version = parts[2];
        if (!HeadRules.isToken(method)) {
            throw new BadHead(400, "The method is not a valid token.");
        }
        if (!target.startsWith("/") || !target.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new BadHead(400, "The request target must be a path starting with / (origin-form).");
        }
        if (!VERSION.matcher(version).matches()) {
            throw new BadHead(400, "The protocol must be HTTP/1.1.");
        }
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw new BadHead(505, "Only HTTP/1.1 (and 1.0) are spoken here.");
        }

        Map<String, List<String>> headers = new LinkedHashMap<>();
        String lastName = null;
        for (String line = reader.line(); ; line = reader.line()) {
            if (line == null) {
                throw new IOException("the connection ended in the middle of a request head");
            }
            if (line.isEmpty()) {
                break;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                // obs-fold (RFC 9112 5.2): a continuation of the previous header; the RFC lets us replace the
                // fold with one space rather than refuse it
                if (lastName == null) {
                    throw new BadHead(400, "A header continuation line came before any header.");
                }
                List<String> values = headers.get(lastName);
                int last = values.size() - 1;
                values.set(last, (values.get(last) + " " + line.strip()).strip());
                continue;
            }
            int colon = line.indexOf(':');
            // no whitespace between name and colon (RFC 9112 5.1): that is how request smuggling starts
            if (colon <= 0 || !HeadRules.isToken(line.substring(0, colon))) {
                throw new BadHead(400, "Malformed header line.");
            }
            String value = line.substring(colon + 1).strip();
            lastName = line.substring(0, colon).toLowerCase(Locale.ROOT);
            headers.computeIfAbsent(lastName, name -> new ArrayList<>()).add(value);
        }

        String rawPath = target;
        String rawQuery = "";
        int question = target.indexOf('?');
        if (question >= 0) {
            rawPath = target.substring(0, question);
            rawQuery = target.substring(question + 1);
        }
        HttpRequest request = new HttpRequest(method, decodePath(rawPath), decodeQuery(rawQuery), rawQuery, version,
                headers);
        request.body = RequestBody.forHeaders(request, in);
        return request;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    /** The query as sent, still percent-encoded ("" when there is none). */
    public String rawQuery() {
        return rawQuery;
    }

    /** A query parameter's decoded value: the first one when repeated, null when absent. */
    public String query(String name) {
        return query.get(name);
    }

    /** A header's value, null when absent; repeated headers are joined with ", " as RFC 9110 5.3 allows. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null ? null : String.join(", ", values);
    }

    /** Every value of a header, each list element split at commas: for Content-Length and Transfer-Encoding. */
    public List<String> headerTokens(String name) {
        List<String> tokens = new ArrayList<>();
        for (String value : headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of())) {
            for (String token : value.split(",", -1)) {
                tokens.add(token.strip());
            }
        }
        return tokens;
    }

    public boolean isHead() {
        return method.equals("HEAD");
    }

    public RequestBody body() {
        return body;
    }

    /** HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 closes unless told to keep it. */
    boolean wantsKeepAlive() {
        List<String> connection = headerTokens("Connection").stream().map(t -> t.toLowerCase(Locale.ROOT)).toList();
        if (version.equals("HTTP/1.0")) {
            return connection.contains("keep-alive");
        }
        return !connection.contains("close");
    }

    boolean isHttp11() {
        return version.equals("HTTP/1.1");
    }

    @Override
    public String toString() {
        return method + " " + path;
    }

    /** Percent-decoding for a path: unlike a query, '+' is a plus. A broken escape is 400. */
    private static String decodePath(String raw) throws BadHead {
        return decode(raw.replace("+", "%2B"));
    }

    private static Map<String, String> decodeQuery(String raw) throws BadHead {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            query.putIfAbsent(name, value);
        }
        return query;
    }

    private static String decode(String s) throws BadHead {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadHead(400, "A %-escape in the request target is broken.");
        }
    }

    /**
     * Reads the head's lines, counting every byte against the limit. Lines end in CRLF; a bare LF is accepted
     * (RFC 9112 2.2 allows it), a bare CR or any other control character is not.
     */
    private static final class HeadReader {
        private final InputStream in;
        private int total;

        HeadReader(InputStream in) {
            this.in = in;
        }

        /** The next line without its line end; null at a clean end of stream before any byte of the line. */
        String line() throws IOException, BadHead {
            ByteArrayOutputStream line = new ByteArrayOutputStream(128);
            while (true) {
                int b = in.read();
                if (b < 0) {
                    if (line.size() == 0 && total == 0) {
                        return null;
                    }
                    throw new IOException("the connection ended in the middle of a request head");
                }
                if (++total > HeadRules.MAX_BYTES) {
                    throw new BadHead(431, "The request head is larger than " + HeadRules.MAX_BYTES + " bytes.");
                }
                if (b == '\n') {
                    return line.toString(StandardCharsets.ISO_8859_1);
                }
                if (b == '\r') {
                    int next = in.read();
                    total++;
                    if (next != '\n') {
                        throw new BadHead(400, "A CR in the request head is not followed by LF.");
                    }
                    return line.toString(StandardCharsets.ISO_8859_1);
                }
                if ((b < 0x20 && b != '\t') || b == 0x7f) {
                    throw new BadHead(400, "A control character in the request head.");
                }
                line.write(b);
            }
        }
    }
}
