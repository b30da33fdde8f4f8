package workshop.sse.core.http;

import java.util.Map;

/** The API's paths and the methods each allows: what decides 404 against 405 and the {@code Allow} header. */
public final class Routes {

    public static final String COUNTER = "/api/counter";
    public static final String BROADCAST = "/api/broadcast";
    public static final String DISCONNECT = "/api/disconnect";
    public static final String STATUS = "/api/status";

    private static final Map<String, String> ALLOWED = Map.of(
            COUNTER, "GET, HEAD, OPTIONS",
            BROADCAST, "GET, HEAD, POST, OPTIONS",
            DISCONNECT, "POST, OPTIONS",
            STATUS, "GET, HEAD, OPTIONS");

    private Routes() {
    }

    /** Throws 404 for an /api path that does not exist and 405 (with Allow) for a method the path does not take. */
    public static void check(String method, String path) {
        String allow = ALLOWED.get(path);
        if (allow == null) {
            throw ApiError.notFound(path);
        }
        if (!(", " + allow + ",").contains(", " + method + ",")) {
            throw ApiError.methodNotAllowed(method, path, allow);
        }
    }

    public static boolean isApi(String path) {
        return path.equals("/api") || path.startsWith("/api/");
    }
}
