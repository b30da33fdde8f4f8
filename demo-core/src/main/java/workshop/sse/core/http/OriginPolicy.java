package workshop.sse.core.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which browser origins may POST and read cross-origin: {@code ALLOWED_ORIGINS}, a comma-separated list such as
 * {@code http://localhost:*,https://workshop.example}. A {@code *} stands for a port (or no port), never for part
 * of a host name; {@code *} alone allows every origin and is never the default.
 */
public final class OriginPolicy {

    public static final String DEFAULT = "http://localhost:*,http://127.0.0.1:*,https://localhost:*,https://127.0.0.1:*";

    private static final Pattern ORIGIN = Pattern.compile("(https?)://([A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:.]+\\])(?::(\\d{1,5}))?");
    private static final Pattern ALLOWED = Pattern.compile("(https?)://([A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:.]+\\])(?::(\\d{1,5}|\\*))?");

    private record Allowed(String scheme, String host, String port) { // port: null = none, "*" = any or none
    }

    private final boolean anyOrigin;
    private final List<Allowed> allowed;
    private final String text;

    private OriginPolicy(boolean anyOrigin, List<Allowed> allowed, String text) {
        this.anyOrigin = anyOrigin;
        this.allowed = allowed;
        this.text = text;
    }

    /** @throws IllegalArgumentException naming the entry that is not an origin pattern */
    public static OriginPolicy parse(String list) {
        if (list.trim().equals("*")) {
            return new OriginPolicy(true, List.of(), "*");
        }
        List<Allowed> allowed = new ArrayList<>();
        for (String entry : list.split(",")) {
            String pattern = entry.trim();
            Matcher m = ALLOWED.matcher(pattern);
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + pattern + "' is not an origin like http://host or http://host:* ("
                        + "a * may stand only for the port)");
            }
            allowed.add(new Allowed(m.group(1).toLowerCase(Locale.ROOT), m.group(2).toLowerCase(Locale.ROOT), m.group(3)));
        }
        return new OriginPolicy(false, List.copyOf(allowed), list);
    }

    /** A request without an Origin header (curl, tests, same-origin GETs) is allowed. */
    public boolean allows(String origin) {
        if (origin == null) {
            return true;
        }
        return isCrossOriginAllowed(origin);
    }

    /** True only for an Origin header that names an allowed origin (so it may be echoed back). */
    public boolean isCrossOriginAllowed(String origin) {
        if (origin == null) {
            return false;
        }
        Matcher m = ORIGIN.matcher(origin);
        if (!m.matches()) {
            return false; // "null", paths, user info: never an allowed origin
        }
        if (anyOrigin) {
            return true;
        }
        String scheme = m.group(1).toLowerCase(Locale.ROOT);
        String host = m.group(2).toLowerCase(Locale.ROOT);
        String port = m.group(3);
        for (Allowed a : allowed) {
            if (a.scheme.equals(scheme) && a.host.equals(host)
                    && ("*".equals(a.port) || java.util.Objects.equals(a.port, port))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return text;
    }
}
