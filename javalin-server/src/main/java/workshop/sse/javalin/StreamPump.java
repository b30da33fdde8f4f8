package workshop.sse.javalin;

import io.javalin.http.sse.SseClient;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import workshop.sse.core.SseDemo;
import workshop.sse.core.SseFrames;
import workshop.sse.core.SseMessage;
import workshop.sse.core.SseStream;

/**
 * One stream's writer: drains the stream's outbox into Javalin's {@link SseClient}, on the virtual thread Javalin
 * runs the SSE consumer on. A blocking write parks only that virtual thread, so a slow client delays nobody else.
 */
final class StreamPump {

    private StreamPump() {
    }

    static void run(SseClient client, SseStream stream, SseDemo demo) {
        long heartbeatMs = demo.settings().heartbeatMs();
        try {
            // Javalin has no API for retry: so the frame is written to the response directly.
            writeRaw(client, demo.retryFrame());
            while (!client.terminated()) {
                SseMessage message = stream.outbox().take(heartbeatMs, TimeUnit.MILLISECONDS);
                switch (message) {
                    // Nothing to send for a whole heartbeat period. Javalin's sendComment ends a comment without
                    // the blank line that completes a frame, so the heartbeat is written directly too.
                    case null -> writeRaw(client, SseFrames.heartbeat());
                    case SseMessage.Event event -> {
                        client.sendEvent(event.name(), forJavalin(event.data()), event.id());
                        stream.outbox().sent(event);
                    }
                    case SseMessage.End end -> client.close();
                }
            }
            // A failed write closes the SseClient (that is how a vanished client is noticed: heartbeats write).
        } catch (IOException | InterruptedException e) {
            client.close();
        } finally {
            stream.end();
        }
    }

    /**
     * Javalin splits data into lines with a line reader, which drops the empty line after a final line break:
     * "a\n" would arrive as "a". One more LF gives the reader that line back, so the client gets "a\n".
     */
    static String forJavalin(String data) {
        return data.endsWith("\n") || data.endsWith("\r") ? data + "\n" : data;
    }

    private static void writeRaw(SseClient client, String frame) throws IOException {
        OutputStream out = client.ctx().res().getOutputStream();
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
