package workshop.sse.javalin.hardening;

import io.javalin.http.Context;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import org.eclipse.jetty.ee10.servlet.ServletApiRequest;

/**
 * Over HTTP/2 Jetty hears at once that a client left (a reset stream, a closed connection) and completes and
 * recycles the request while its stream's writer is still parked. What Javalin then does after the stream (its
 * error and after tasks) touches a request that is gone, which throws; an exception handler that throws again makes
 * Javalin retry its error handling forever: a NullPointerException logged in a loop, gigabytes in minutes. So an
 * exception handler first asks whether the request is still there, and answers nothing when it is not.
 */
public final class RecycledRequest {

    private RecycledRequest() {
    }

    public static boolean isGone(Context ctx) {
        ServletRequest request = ctx.req();
        while (request instanceof ServletRequestWrapper wrapper) {
            request = wrapper.getRequest();
        }
        return request instanceof ServletApiRequest api && api.getRequest() == null;
    }
}
