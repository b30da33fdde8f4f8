package workshop.sse.helidon.hardening;

import io.helidon.http.http2.Http2Stream;
import io.helidon.http.http2.Http2StreamState;
import io.helidon.webserver.http.ServerResponse;
import java.lang.reflect.Field;
import java.util.function.BooleanSupplier;

/**
 * Tells whether the client cancelled an HTTP/2 stream (RST_STREAM) while its connection stays open. Helidon 4.5
 * marks the stream CLOSED and forgets it, but tells the handler nothing, and writes on it still succeed (the
 * frames go out, the client drops them): a cancelled SSE stream would write heartbeats forever and never be freed
 * (the leak reported in hiero-ledger/hiero-block-node#341 for gRPC on Helidon). Its request API has no handle on
 * the stream, so the state is read from the response's private field, by reflection: Helidon's jars are on the
 * class path, so the unnamed module lets it. A connection that drops is another matter: the next write fails.
 */
public final class CancelledStreams {

    private static final BooleanSupplier NEVER = () -> false;
    private static final Field STREAM = streamField();

    private CancelledStreams() {
    }

    /** For this response: true once its HTTP/2 stream was reset by the client; always false over HTTP/1.1. */
    public static BooleanSupplier of(ServerResponse res) {
        if (STREAM == null || STREAM.getDeclaringClass() != res.getClass()) {
            return NEVER;
        }
        try {
            Http2Stream stream = (Http2Stream) STREAM.get(res);
            // an SSE request is half closed (remote) from its start; CLOSED now means the client reset it
            return () -> stream.streamState() == Http2StreamState.CLOSED;
        } catch (IllegalAccessException e) {
            return NEVER;
        }
    }

    private static Field streamField() {
        try {
            Field stream = Class.forName("io.helidon.webserver.http2.Http2ServerResponse").getDeclaredField("stream");
            stream.setAccessible(true);
            return stream;
        } catch (ReflectiveOperationException | RuntimeException e) {
            // no HTTP/2 on the class path, or a Helidon without the field: cancelled streams end at the flow-control
            // time-out instead
            return null;
        }
    }
}
