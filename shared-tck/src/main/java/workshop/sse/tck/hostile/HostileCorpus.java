package workshop.sse.tck.hostile;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A deterministic corpus of hostile HTTP requests: the same seed always gives the same bytes. Each request is meant
 * for its own short-lived connection. Requests the server could only wait on (truncated heads, short bodies) are
 * marked {@code halfClose}: the sender shuts its output after sending, so that the server sees the end at once.
 */
public final class HostileCorpus {

    /** One hostile request: a kind (for reports), the bytes to send, and whether to half-close after sending. */
    public record HostileRequest(String kind, byte[] bytes, boolean halfClose) {
    }

    public static final long SEED = 0x5EED_2026_0B0EL;

    private static final String HOST = "Host: 127.0.0.1";
    private static final String[] PATHS = {"/", "/index.html", "/api/status", "/api/broadcast", "/api/counter",
            "/nope", "/api", "/api/", "/static/app.js"};

    /** The kinds of request, sent in turn. POST /api/disconnect is left out on purpose: a well-formed one would rightly
     * close the watching subscriber. */
    private enum Kind {
        RANDOM_BYTES("random-bytes", HostileCorpus::randomRequest),
        TRUNCATED_HEAD("truncated-head", HostileCorpus::truncated),
        OVERSIZED_HEAD("oversized-head", HostileCorpus::oversizedHead),
        OVERSIZED_HEADER_LINE("oversized-header-line", HostileCorpus::oversizedHeaderLine),
        DUPLICATE_HEADERS("duplicate-headers", HostileCorpus::duplicateHeaders),
        INVALID_HEADERS("invalid-headers", HostileCorpus::invalidHeaders),
        BAD_CONTENT_LENGTH("bad-content-length", HostileCorpus::badContentLength),
        CHUNKED("chunked", HostileCorpus::chunked),
        PIPELINED("pipelined", HostileCorpus::pipelined),
        NUL_NON_ASCII("nul-non-ascii", HostileCorpus::nulNonAscii),
        BAD_METHOD("bad-method", HostileCorpus::badMethod),
        BAD_TARGET("bad-target", HostileCorpus::badTarget),
        TRAVERSAL("traversal", HostileCorpus::traversal),
        HUGE_QUERY("huge-query", HostileCorpus::hugeQuery),
        BAD_PUBLISH("bad-publish", HostileCorpus::badPublish),
        BAD_VERSION("bad-version", HostileCorpus::badVersion),
        BAD_LINE_ENDINGS("bad-line-endings", HostileCorpus::badLineEndings);

        final String label;
        final Function<HostileCorpus, HostileRequest> generator;

        Kind(String label, Function<HostileCorpus, HostileRequest> generator) {
            this.label = label;
            this.generator = generator;
        }
    }

    private final SplittableRandom rng;

    private HostileCorpus(long seed) {
        this.rng = new SplittableRandom(seed);
    }

    /** {@code count} hostile requests from {@code seed}. */
    public static List<HostileRequest> generate(long seed, int count) {
        HostileCorpus corpus = new HostileCorpus(seed);
        Kind[] kinds = Kind.values();
        List<HostileRequest> requests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            requests.add(kinds[i % kinds.length].generator.apply(corpus));
        }
        return requests;
    }

    // ---- the kinds

    private HostileRequest randomRequest() {
        return req(Kind.RANDOM_BYTES, randomBytes(1 + rng.nextInt(rng.nextBoolean() ? 64 : 4096)), true);
    }

    private HostileRequest truncated() {
        byte[] whole = bytes(simpleRequest());
        int cut = 1 + rng.nextInt(whole.length - 1);
        byte[] part = new byte[cut];
        System.arraycopy(whole, 0, part, 0, cut);
        return req(Kind.TRUNCATED_HEAD, part, true);
    }

    private HostileRequest oversizedHead() {
        StringBuilder sb = new StringBuilder("GET " + pick(PATHS) + " HTTP/1.1\r\n" + HOST + "\r\n");
        int target = 8 * 1024 + rng.nextInt(rng.nextBoolean() ? 2048 : 56 * 1024);
        int i = 0;
        while (sb.length() < target) {
            sb.append("X-Filler-").append(i++).append(": ").append(letters(20 + rng.nextInt(200))).append("\r\n");
        }
        sb.append("\r\n");
        return req(Kind.OVERSIZED_HEAD, bytes(sb.toString()), rng.nextBoolean());
    }

    private HostileRequest oversizedHeaderLine() {
        int length = 8 * 1024 + rng.nextInt(rng.nextBoolean() ? 1024 : 64 * 1024);
        String name = rng.nextInt(4) == 0 ? "X-" + letters(length) : "X-Long";
        String value = name.length() > 10 ? "v" : letters(length);
        String request = "GET " + pick(PATHS) + " HTTP/1.1\r\n" + HOST + "\r\n" + name + ": " + value + "\r\n\r\n";
        return req(Kind.OVERSIZED_HEADER_LINE, bytes(request), rng.nextBoolean());
    }

    private HostileRequest duplicateHeaders() {
        String[] variants = {
                HOST + "\r\n" + HOST,
                HOST + "\r\nHost: evil.example",
                HOST + "\r\nContent-Length: 5\r\nContent-Length: 5",
                HOST + "\r\nContent-Length: 5\r\nContent-Length: 6",
                HOST + "\r\nContent-Type: text/plain\r\nContent-Type: application/json",
                HOST + "\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
                HOST + "\r\nAccept: text/event-stream\r\nAccept: application/json",
                HOST + "\r\nLast-Event-ID: 1\r\nLast-Event-ID: 2",
                HOST + "\r\nConnection: close\r\nConnection: keep-alive",
                HOST + "\r\n" + "X-Dup: a\r\n".repeat(50 + rng.nextInt(150)).strip(),
        };
        String method = rng.nextBoolean() ? "GET" : "POST";
        String target = method.equals("POST") ? "/api/broadcast?event=hostile-dup" : pick(PATHS);
        String request = method + " " + target + " HTTP/1.1\r\n" + pick(variants) + "\r\n\r\nhello";
        return req(Kind.DUPLICATE_HEADERS, bytes(request), true);
    }

    private HostileRequest invalidHeaders() {
        String[] variants = {
                "NoColonHere", "Bad Name: x", "X-Space : x", ": empty-name", "X-Ctl: a\u0001b", "X-Del: a\u007fb",
                "X-Fold: a\r\n  folded", " Leading-Space: x", "X-CR: a\rb", "X-Tab\t: x", "(): x", "X-Brace{}: x",
                "Content-Type", "Host", "X-Quote\": x", "X-A: " + "\u0000".repeat(3), "\tX-Tab-Start: x",
        };
        StringBuilder sb = new StringBuilder(pick(new String[] {"GET", "POST", "HEAD"}) + " " + pick(PATHS)
                + " HTTP/1.1\r\n" + HOST + "\r\n");
        int n = 1 + rng.nextInt(3);
        for (int i = 0; i < n; i++) {
            sb.append(pick(variants)).append("\r\n");
        }
        sb.append("\r\n");
        return req(Kind.INVALID_HEADERS, bytes(sb.toString()), rng.nextBoolean());
    }

    private HostileRequest badContentLength() {
        String[] lengths = {"-1", "-0", "+5", "5 5", "5,6", "5, 5", "0x10", "1e3", "", " ", "abc", "18446744073709551616",
                "9223372036854775807", "9223372036854775808", "99999999999999999999999999", "4294967296", "2147483648",
                "00000000000000000000005", "5.0", "٥", "65537", "100000000"};
        String cl = pick(lengths);
        String extra = switch (rng.nextInt(4)) {
            case 0 -> "Transfer-Encoding: chunked\r\n";
            case 1 -> "Content-Length: 3\r\n";
            default -> "";
        };
        String target = rng.nextBoolean() ? "/api/broadcast?event=hostile-cl" : pick(PATHS);
        String request = "POST " + target + " HTTP/1.1\r\n" + HOST + "\r\nContent-Type: text/plain\r\nContent-Length: "
                + cl + "\r\n" + extra + "\r\nhello";
        return req(Kind.BAD_CONTENT_LENGTH, bytes(request), true);
    }

    private HostileRequest chunked() {
        StringBuilder body = new StringBuilder();
        String te = "chunked";
        switch (rng.nextInt(10)) {
            case 0 -> body.append("5\r\nhello\r\n0\r\n\r\n"); // valid
            case 1 -> body.append("5\r\nhel"); // truncated
            case 2 -> body.append("zz\r\nhello\r\n0\r\n\r\n"); // bad size
            case 3 -> body.append("-5\r\nhello\r\n0\r\n\r\n");
            case 4 -> body.append("ffffffffffffffffffff\r\nhello\r\n0\r\n\r\n"); // overflowing size
            case 5 -> body.append("5\r\nhelloXX0\r\n\r\n"); // missing CRLF after data
            case 6 -> { // oversized: more than 64 KiB in chunks
                String chunk = letters(8192);
                for (int i = 0; i < 9; i++) {
                    body.append("2000\r\n").append(chunk).append("\r\n");
                }
                body.append("0\r\n\r\n");
            }
            case 7 -> body.append("10000000\r\n").append(letters(1000)); // declared huge
            case 8 -> { // valid with extensions and trailers
                body.append("3;ext=1\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n");
            }
            default -> {
                te = pick(new String[] {"gzip, chunked", "chunked, gzip", "identity", "xchunked", "chunked\u0000",
                        "CHUNKED", " chunked"});
                body.append("5\r\nhello\r\n0\r\n\r\n");
            }
        }
        String event = rng.nextInt(3) == 0 ? "" : "?event=hostile-chunked";
        String request = "POST /api/broadcast" + event + " HTTP/1.1\r\n" + HOST
                + "\r\nContent-Type: text/plain\r\nTransfer-Encoding: " + te + "\r\n\r\n" + body;
        return req(Kind.CHUNKED, bytes(request), true);
    }

    private HostileRequest pipelined() {
        StringBuilder sb = new StringBuilder();
        int n = 2 + rng.nextInt(6);
        for (int i = 0; i < n; i++) {
            switch (rng.nextInt(4)) {
                case 0 -> sb.append("GET /api/status HTTP/1.1\r\n" + HOST + "\r\n\r\n");
                case 1 -> sb.append("POST /api/broadcast?event=hostile-pipe HTTP/1.1\r\n" + HOST
                        + "\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{bad:1}");
                case 2 -> sb.append("GARBAGE\r\n\r\n");
                default -> sb.append("HEAD /nope HTTP/1.1\r\n" + HOST + "\r\n\r\n");
            }
        }
        return req(Kind.PIPELINED, bytes(sb.toString()), rng.nextBoolean());
    }

    private HostileRequest nulNonAscii() {
        byte[] whole = bytes(simpleRequest());
        int headEnd = Math.max(2, indexOf(whole, "\r\n\r\n"));
        int n = 1 + rng.nextInt(4);
        for (int i = 0; i < n; i++) {
            int at = rng.nextInt(headEnd);
            whole[at] = switch (rng.nextInt(4)) {
                case 0 -> 0;
                case 1 -> (byte) (0x80 + rng.nextInt(128));
                case 2 -> (byte) 0xFF;
                default -> (byte) rng.nextInt(32);
            };
        }
        if (rng.nextBoolean()) { // UTF-8 in the target or a header value
            String request = "GET /caf\u00e9/\u2603?q=\u00fc HTTP/1.1\r\n" + HOST + "\r\nX-Name: \u00e9t\u00e9\r\n\r\n";
            return req(Kind.NUL_NON_ASCII, request.getBytes(StandardCharsets.UTF_8), rng.nextBoolean());
        }
        return req(Kind.NUL_NON_ASCII, whole, true);
    }

    private HostileRequest badMethod() {
        String[] methods = {"", "get", "GeT", "FOO", "G E T", "CONNECT", "TRACE", "PATCH", "DELETE", "PUT", "OPTIONS",
                "PRI", "G\u0000ET", "GET\t", "\u00c9T", "POSTPOSTPOSTPOSTPOSTPOSTPOSTPOST", letters(300), "123", "-",
                "GET GET"};
        String request = pick(methods) + " " + pick(PATHS) + " HTTP/1.1\r\n" + HOST + "\r\n\r\n";
        return req(Kind.BAD_METHOD, bytes(request), rng.nextBoolean());
    }

    private HostileRequest badTarget() {
        String[] targets = {"", "*", "api/status", "http://evil.example/api/status", "http://127.0.0.1/api/status",
                "//api/status", "/api/status#frag", "/%", "/%zz", "/%00", "/%2", "/a b", "/api/status?%", "?",
                "/api/counter?interval=", "/api/counter?interval=-1", "/api/counter?interval=99999999999999999999",
                "/api/counter?limit=0", "/api/counter?interval=abc&limit=x", "/api/broadcast?lastEventId=-1&x",
                "/api/broadcast?lastEventId=99999999999999999999", "/;", "/api;/status", "/api/status/",
                "/API/STATUS", "/\\", "/index.html%00.js", "/" + letters(9000)};
        String request = pick(new String[] {"GET", "HEAD", "POST"}) + " " + pick(targets) + " HTTP/1.1\r\n" + HOST
                + "\r\nContent-Length: 0\r\n\r\n";
        return req(Kind.BAD_TARGET, bytes(request), rng.nextBoolean());
    }

    private HostileRequest traversal() {
        String[] targets = {"/../../etc/passwd", "/..", "/../", "/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E%2Fetc%2Fpasswd",
                "/..%2f..%2fetc/passwd", "/..\\..\\etc\\passwd", "/..%5c..%5cetc%5cpasswd", "/./../pom.xml",
                "/static/../../pom.xml", "/%252e%252e/etc/passwd", "/..;/etc/passwd", "/.%2e/.%2e/etc/passwd",
                "/%c0%ae%c0%ae/etc/passwd", "/....//....//etc/passwd", "/index.html/../../..", "//etc/passwd",
                "/%2fetc%2fpasswd", "/api/../../../etc/passwd", "/.git/config", "/..%00/etc/passwd"};
        String request = pick(new String[] {"GET", "HEAD"}) + " " + pick(targets) + " HTTP/1.1\r\n" + HOST + "\r\n\r\n";
        return req(Kind.TRAVERSAL, bytes(request), rng.nextBoolean());
    }

    private HostileRequest hugeQuery() {
        int length = 1024 + rng.nextInt(rng.nextBoolean() ? 6 * 1024 : 40 * 1024);
        StringBuilder q = new StringBuilder();
        while (q.length() < length) {
            if (!q.isEmpty()) {
                q.append('&');
            }
            q.append(letters(1 + rng.nextInt(8))).append('=').append(letters(rng.nextInt(64)));
        }
        String path = pick(new String[] {"/api/status", "/api/counter", "/api/broadcast", "/"});
        String method = path.equals("/api/broadcast") ? "POST" : "GET";
        String request = method + " " + path + "?" + q + " HTTP/1.1\r\n" + HOST
                + "\r\nContent-Type: text/plain\r\nContent-Length: 1\r\n\r\nx";
        return req(Kind.HUGE_QUERY, bytes(request), rng.nextBoolean());
    }

    private HostileRequest badPublish() {
        byte[] body;
        String contentType = "text/plain";
        String event = "hostile-pub";
        Integer declared = null;
        switch (rng.nextInt(10)) {
            case 0 -> body = new byte[0];
            case 1 -> body = new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE}; // invalid UTF-8
            case 2 -> {
                contentType = "application/json";
                body = bytes(pick(new String[] {"{", "{\"a\":}", "[1,2", "nul", "{\"a\":1}}", "\u0000", "'x'"}));
            }
            case 3 -> { // too large, declared only
                body = bytes(letters(100));
                declared = 65_537 + rng.nextInt(10_000_000);
            }
            case 4 -> { // too large, really sent
                body = bytes(letters(65_537 + rng.nextInt(4096)));
            }
            case 5 -> {
                contentType = pick(new String[] {"text/plain; charset=latin1", "application/xml", "", "text/html",
                        "multipart/form-data", "text/plain; charset=", "application/json; charset=utf-16", "*/*"});
                body = bytes("hello");
            }
            case 6 -> {
                event = pick(new String[] {"", "a b", "%0Aid:%205", "x".repeat(65), "%00", "evil%0D%0Adata:x",
                        "\u00e9"});
                body = bytes("hello");
            }
            case 7 -> {
                contentType = null;
                body = bytes("hello");
            }
            case 8 -> { // short body: fewer bytes than declared
                body = bytes("hi");
                declared = 50;
            }
            default -> body = randomBytes(1 + rng.nextInt(512));
        }
        StringBuilder head = new StringBuilder("POST /api/broadcast?event=" + event + " HTTP/1.1\r\n" + HOST + "\r\n");
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (rng.nextInt(8) == 0) {
            head.append("Origin: http://evil.example\r\n");
        }
        head.append("Content-Length: ").append(declared != null ? declared : body.length).append("\r\n\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes(head.toString()));
        out.writeBytes(body);
        return req(Kind.BAD_PUBLISH, out.toByteArray(), true);
    }

    private HostileRequest badVersion() {
        String[] versions = {"HTTP/2.0", "HTTP/1.2", "HTTP/9.9", "HTTP/1", "HTTP/1.1x", "http/1.1", "HTTP/0.9", "HTP/1.1",
                "HTTP/1.1 extra", "HTTP/", "", "HTTP/1.10", "HTTP/01.1", "HTTP/-1.1"};
        String version = pick(versions);
        String request = "GET " + pick(PATHS) + (version.isEmpty() ? "" : " " + version) + "\r\n" + HOST + "\r\n\r\n";
        return req(Kind.BAD_VERSION, bytes(request), rng.nextBoolean());
    }

    private HostileRequest badLineEndings() {
        String request = simpleRequest();
        request = switch (rng.nextInt(5)) {
            case 0 -> request.replace("\r\n", "\n");
            case 1 -> request.replace("\r\n", "\r");
            case 2 -> request.replace("\r\n", "\n\r");
            case 3 -> "\r\n\r\n\r\n" + request;
            default -> request.replace("\r\n\r\n", "\r\n \r\n\r\n");
        };
        return req(Kind.BAD_LINE_ENDINGS, bytes(request), true);
    }

    // ---- helpers

    private String simpleRequest() {
        return switch (rng.nextInt(4)) {
            case 0 -> "GET /api/status HTTP/1.1\r\n" + HOST + "\r\nAccept: application/json\r\n\r\n";
            case 1 -> "GET /index.html HTTP/1.1\r\n" + HOST + "\r\nUser-Agent: hostile\r\n\r\n";
            case 2 -> "POST /api/broadcast?event=hostile-simple HTTP/1.1\r\n" + HOST
                    + "\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";
            default -> "GET /nope HTTP/1.1\r\n" + HOST + "\r\nConnection: close\r\n\r\n";
        };
    }

    private HostileRequest req(Kind kind, byte[] bytes, boolean halfClose) {
        return new HostileRequest(kind.label, bytes, halfClose);
    }

    private String pick(String[] options) {
        return options[rng.nextInt(options.length)];
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) rng.nextInt(256);
        }
        return b;
    }

    private String letters(int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = (char) ('a' + rng.nextInt(26));
        }
        return new String(c);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static int indexOf(byte[] haystack, String needle) {
        byte[] n = bytes(needle);
        outer:
        for (int i = 0; i + n.length <= haystack.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (haystack[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
