package workshop.sse.javalin;

import io.javalin.http.Context;
import io.javalin.http.sse.SseHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import workshop.sse.core.demo.SseDemo.Opening;
import workshop.sse.core.demo.SseDemo;
import workshop.sse.core.demo.StreamRequest;
import workshop.sse.core.wire.SseStream;

/**
 * {@code GET /api/counter} and {@code GET /api/broadcast}. The demo decides the answer first (406, 400, 204, 503
 * or a stream), because Javalin's {@link SseHandler} commits 200 and the headers the moment it starts.
 */
final class SseEndpoints {

    private static final int STREAM_BUFFER_BYTES = 1024;

    private final SseDemo demo;

    SseEndpoints(SseDemo demo) {
        this.demo = demo;
    }

    void counter(Context ctx) {
        answer(ctx, demo.openCounter(request(ctx)));
    }

    void broadcast(Context ctx) {
        answer(ctx, demo.openBroadcast(request(ctx)));
    }

    private static StreamRequest request(Context ctx) {
        return new StreamRequest(JavalinServer.isHead(ctx), ctx.header("Accept"), ctx.header("Last-Event-ID"),
                ctx::queryParam);
    }

    private void answer(Context ctx, Opening opening) {
        switch (opening) {
            case Opening.Opened opened -> {
                closeConnectionOnOverflow(ctx, opened.stream());
                // Jetty gives every response a 32 KiB buffer (direct memory) that it holds until the response ends:
                // for a stream, that is for as long as the client stays. A stream's frames are written whole and
                // flushed at once, so a small buffer does as well.
                ctx.res().setBufferSize(STREAM_BUFFER_BYTES);
                // Timeout 0: the stream lasts as long as the client stays and the demo keeps it open.
                new SseHandler(0, client -> StreamPump.run(client, opened.stream(), demo)).handle(ctx);
                if (!ctx.res().isCommitted()) {
                    opened.stream().end(); // SseHandler declined (no text/event-stream in Accept): free the slot
                    throw new IllegalStateException("SseHandler did not start the stream");
                }
            }
            case Opening.Finished finished -> ctx.status(204);
            case Opening.HeadersOnly head -> {
                SseDemo.STREAM_HEADERS.forEach(ctx::header);
                ctx.status(200);
                flushHeaders(ctx);
            }
        }
    }

    /**
     * A client that stops reading leaves the stream's writer blocked in a write. When its outbox overflows, the
     * connection is closed so that write fails now (not when Jetty's idle timeout ends it).
     */
    private static void closeConnectionOnOverflow(Context ctx, SseStream stream) {
        EndPoint endPoint = ServletContextRequest.getServletContextRequest(ctx.req())
                .getConnectionMetaData().getConnection().getEndPoint();
        stream.outbox().onOverflow(() -> Thread.startVirtualThread(endPoint::close));
    }

    /** Committing now keeps Jetty from adding the Content-Length: 0 of an empty answer: a stream has none. */
    private static void flushHeaders(Context ctx) {
        try {
            ctx.res().flushBuffer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
