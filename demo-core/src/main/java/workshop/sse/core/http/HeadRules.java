package workshop.sse.core.http;

import java.nio.charset.StandardCharsets;

/**
 * The SPEC's rules for a request head, the same on every server: how big it may be, how long it may take, and what
 * a method or a header name may be made of. Each stack enforces them its own way; the numbers live here.
 */
public final class HeadRules {

    /** A head (request line, headers and the blank line) over this many bytes is 431. */
    public static final int MAX_BYTES = 8 * 1024;
    /** A head not complete within this of the connection opening, or of its previous response, is 408 and closed. */
    public static final int DEADLINE_MS = 15_000;

    private static final byte[] REQUEST_TIMEOUT = ("HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n"
            + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    private HeadRules() {
    }

    /** The whole 408 answer, for a server that writes it straight to the connection of a head that took too long. */
    public static byte[] requestTimeoutAnswer() {
        return REQUEST_TIMEOUT.clone();
    }

    /** A token (RFC 9110, 5.6.2): what a method and a header name are made of. */
    public static boolean isToken(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
