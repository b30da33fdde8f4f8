package workshop.sse.core.http;

import java.util.Map;

/**
 * An answer the application refuses a request with: a status, one clear sentence, and sometimes a header
 * (405's {@code Allow}, 503's {@code Retry-After}). Every server turns it into {@code {"error": "..."}}.
 */
public final class ApiError extends RuntimeException {

    private final int status;
    private final Map<String, String> headers;

    public ApiError(int status, String message) {
        this(status, message, Map.of());
    }

    public ApiError(int status, String message, Map<String, String> headers) {
        super(message, null, false, false); // an answer, not a failure: no stack trace
        this.status = status;
        this.headers = Map.copyOf(headers);
    }

    public int status() {
        return status;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public String json() {
        return Json.object("error", getMessage());
    }

    public static ApiError notFound(String path) {
        return new ApiError(404, "There is nothing at " + path + ".");
    }

    public static ApiError methodNotAllowed(String method, String path, String allow) {
        return new ApiError(405, method + " is not allowed on " + path + "; use " + allow + ".", Map.of("Allow", allow));
    }
}
