package workshop.sse.rawsocket;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import workshop.sse.core.SseDemo;
import workshop.sse.core.SseFrames;
import workshop.sse.core.SseMessage;
import workshop.sse.core.SseStream;

/**
 * The SSE half: drains one stream's outbox onto its connection, on the connection's own virtual thread. Waiting
 * for the next message, or blocking in a write to a slow client, parks only that virtual thread.
 */
final class SseStreamWriter {

    private static final byte[] HEARTBEAT = SseFrames.heartbeat().getBytes(StandardCharsets.UTF_8);

    private SseStreamWriter() {
    }

    /** Writes the stream until it ends, however it ends; the caller closes the connection afterwards. */
    static void run(Socket socket, OutputStream out, Map<String, String> headers, SseStream stream, SseDemo demo) {
        // A client that stops reading leaves this thread blocked in a write that no timeout ends. When its outbox
        // overflows, closing the socket makes that write fail now, and the stream ends.
        stream.outbox().onOverflow(() -> Connection.closeQuietly(socket));
        long heartbeatMs = demo.settings().heartbeatMs();
        try {
            HttpResponse.startStream(out, headers);
            out.write(demo.retryFrame().getBytes(StandardCharsets.UTF_8));
            out.flush(); // headers and retry: at once, so EventSource opens before any event
            while (true) {
                SseMessage message = stream.outbox().take(heartbeatMs, TimeUnit.MILLISECONDS);
                switch (message) {
                    // nothing for a whole period: a comment keeps proxies from closing the stream, and the write
                    // is how a vanished client gets noticed (the write after the first one that follows a close fails)
                    case null -> out.write(HEARTBEAT);
                    case SseMessage.Event event -> {
                        event.writeFrameTo(out);
                        stream.outbox().sent(event);
                    }
                    case SseMessage.End end -> {
                        return; // finished (counter limit), disconnected, overflowed or shut down
                    }
                }
                out.flush(); // every frame goes out now: a stream is never buffered
            }
        } catch (IOException e) {
            // a failed write: the client is gone (or the socket was closed on overflow)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stream.end(); // unsubscribe, stop the counter, free the slot
        }
    }
}
