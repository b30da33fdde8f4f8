package workshop.sse.core.http;

import java.util.LinkedHashMap;
import java.util.Map;

/** The SPEC's cross-origin rules, so that one page can watch several servers on different ports. */
public final class CrossOrigin {

    public static final String ALLOW_METHODS = "GET, POST";
    public static final String ALLOW_HEADERS = "Content-Type, Last-Event-ID";

    private final OriginPolicy origins;

    public CrossOrigin(OriginPolicy origins) {
        this.origins = origins;
    }

    /**
     * Headers for every /api answer: the origin echoed back when it is allowed (and Vary either way). An allowed
     * origin may also read the answer's timing: without {@code Timing-Allow-Origin} the browser hides its Resource
     * Timing details, {@code nextHopProtocol} among them, which the comparison page shows (h2 or http/1.1).
     */
    public Map<String, String> headersFor(String origin) {
        if (origin == null) {
            return Map.of();
        }
        if (origins.isCrossOriginAllowed(origin)) {
            return Map.of("Access-Control-Allow-Origin", origin, "Timing-Allow-Origin", origin, "Vary", "Origin");
        }
        return Map.of("Vary", "Origin");
    }

    /** The answer to an OPTIONS preflight: 204 with these headers, or 403 for an origin not allowed. */
    public Map<String, String> preflight(String origin) {
        if (!origins.allows(origin)) {
            throw new ApiError(403, "Origin " + origin + " is not allowed here; see ALLOWED_ORIGINS.");
        }
        Map<String, String> headers = new LinkedHashMap<>(headersFor(origin));
        headers.put("Access-Control-Allow-Methods", ALLOW_METHODS);
        headers.put("Access-Control-Allow-Headers", ALLOW_HEADERS);
        headers.put("Access-Control-Max-Age", "600");
        return headers;
    }

    /** Every POST: an Origin that is not allowed changes nothing. */
    public void checkPost(String origin) {
        if (!origins.allows(origin)) {
            throw new ApiError(403, "Origin " + origin + " may not POST here; see ALLOWED_ORIGINS.");
        }
    }
}
