package workshop.sse.javalin;

import io.javalin.http.sse.SseClient;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import workshop.sse.core.demo.SseDemo;
import workshop.sse.core.wire.FrameBatch;
import workshop.sse.core.wire.SseStream;

/**
 * One stream's writer: drains the stream's outbox into the response of Javalin's {@link SseClient}, on the virtual
 * thread Javalin runs the SSE consumer on. A blocking write parks only that virtual thread, so a slow client delays
 * nobody else.
 *
 * <p>The frames go to the response's output stream as bytes, not through {@code SseClient.sendEvent}: Javalin has
 * no API for {@code retry:}, its {@code sendComment} writes no blank line after the comment, its line reader drops
 * a final empty data line, and every {@code sendEvent} builds a reader and buffers of its own (about 24 KiB of
 * garbage an event, which at a few thousand streams is most of the server's work).
 */
final class StreamPump {

    private StreamPump() {
    }

    static void run(SseClient client, SseStream stream, SseDemo demo) {
        try {
            OutputStream out = client.ctx().res().getOutputStream();
            write(out, demo.retryFrame().getBytes(StandardCharsets.UTF_8));
            while (!client.terminated()) {
                // every frame queued, heartbeats included, in one write and one flush (a write is also how a
                // vanished client is noticed: the write after the first one that follows a close fails)
                FrameBatch batch = FrameBatch.next(stream.outbox());
                write(out, batch.bytes());
                stream.outbox().sent();
                if (batch.endsStream()) {
                    client.close();
                }
            }
        } catch (IOException | InterruptedException e) {
            client.close();
        } finally {
            stream.end();
        }
    }

    private static void write(OutputStream out, byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }
}
