package workshop.sse.javalin;

import io.javalin.http.Context;
import io.javalin.http.sse.SseHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.eclipse.jetty.ee10.servlet.ServletChannel;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Request;
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
                // However the response ends, the slot is freed: also when Jetty hears first that the client left
                // (a reset HTTP/2 stream), or when the response fails before the pump has started.
                Request.addCompletionListener(ServletContextRequest.getServletContextRequest(ctx.req()),
                        failure -> opened.stream().end());
                endOnOverflow(ctx, opened.stream());
                // Jetty gives every response a 32 KiB buffer (direct memory) that it holds until the response ends:
                // for a stream, that is for as long as the client stays. A stream's frames are written whole and
                // flushed at once, so a small buffer does as well.
                ctx.res().setBufferSize(STREAM_BUFFER_BYTES);
                // Timeout 0: the stream lasts as long as the client stays and the demo keeps it open.
                new SseHandler(0, client -> StreamPump.run(client, opened.stream(), demo)).handle(ctx);
                if (!ctx.res().isCommitted()) { // SseHandler declined (no text/event-stream in Accept)
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
     * stream is ended so that write fails now (not when Jetty's idle timeout ends it): over HTTP/1.1 by closing its
     * connection; over HTTP/2 by resetting the stream alone, since its connection carries the page's other streams.
     */
    private static void endOnOverflow(Context ctx, SseStream stream) {
        ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
        Runnable end;
        if (request.getConnectionMetaData().getHttpVersion() == HttpVersion.HTTP_2) {
            ServletChannel channel = request.getServletChannel();
            end = () -> channel.abort(new EofException("the client stopped reading its stream"));
        } else {
            EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
            end = endPoint::close;
        }
        stream.outbox().onOverflow(() -> Thread.startVirtualThread(end));
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
