package workshop.sse.core.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** The one JSON mapper of the workspace: strict when reading, plain when writing. */
public final class Json {

    /**
     * Jackson's default buffer pool is one per thread, kept by a thread local: with a virtual thread per stream
     * that is 8 KiB or more held by every stream that ever wrote JSON. A shared pool serves any number of threads.
     */
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.sharedBoundedPool()).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    /** True when {@code text} is exactly one JSON value (no trailing tokens, no comments, no NaN). */
    public static boolean isValid(String text) {
        try {
            JsonNode value = MAPPER.readTree(text);
            return value != null && !value.isMissingNode(); // blank text reads as a missing node: no value at all
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** A flat object from alternating names and values, in that order: {@code object("count", 1, "at", "...")}. */
    public static String object(Object... namesAndValues) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return write(fields);
    }
}
