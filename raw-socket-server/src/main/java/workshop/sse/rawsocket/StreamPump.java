package workshop.sse.rawsocket;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import workshop.sse.core.demo.SseDemo;
import workshop.sse.core.wire.FrameBatch;
import workshop.sse.core.wire.SseStream;
import workshop.sse.rawsocket.http.Connection;
import workshop.sse.rawsocket.http.HttpResponse;

/**
 * The SSE half: drains one stream's outbox onto its socket, on the connection's own virtual thread. Waiting for the
 * next frames, or blocking in a write to a slow client, parks only that virtual thread. It writes to the socket
 * itself, with no buffer in between: each batch of frames is one write, and an idle stream holds no buffer at all.
 */
final class StreamPump {

    private StreamPump() {
    }

    /**
     * Writes the stream until it ends, however it ends; the caller closes the socket afterwards.
     *
     * @param tcp the TCP socket under {@code socket} (the same socket, without TLS)
     */
    static void run(Socket socket, Socket tcp, Map<String, String> headers, SseStream stream, SseDemo demo) {
        // A client that stops reading leaves this thread blocked in a write that no timeout ends. When its outbox
        // overflows, closing the socket makes that write fail now, and the stream ends. The TCP socket, under TLS:
        // closing a TLS socket first writes a close_notify, which waits for the blocked write to finish, i.e. forever.
        stream.outbox().onOverflow(() -> Connection.closeQuietly(tcp));
        try {
            OutputStream out = socket.getOutputStream();
            // headers and retry: in one write, at once, so EventSource opens before any event
            out.write((HttpResponse.streamHead(headers) + demo.retryFrame()).getBytes(StandardCharsets.UTF_8));
            while (true) {
                // every frame queued, heartbeats included (their write is also how a vanished client gets noticed:
                // the write after the first one that follows a close fails)
                FrameBatch batch = FrameBatch.next(stream.outbox());
                out.write(batch.bytes());
                stream.outbox().sent();
                if (batch.endsStream()) {
                    return; // finished (counter limit), disconnected, overflowed or shut down
                }
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
