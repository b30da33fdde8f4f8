package workshop.sse.helidon;

import io.helidon.http.http2.Http2ErrorCode;
import io.helidon.http.http2.Http2Exception;
import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.sse.SseSink;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import workshop.sse.core.demo.SseDemo;
import workshop.sse.core.wire.SseFrames;
import workshop.sse.core.wire.SseMessage;
import workshop.sse.core.wire.SseStream;
import workshop.sse.helidon.hardening.CancelledStreams;
import workshop.sse.helidon.hardening.WriterInterrupter;

/**
 * One stream's writer: drains the stream's outbox into Helidon's {@link SseSink}, on the virtual thread Helidon
 * already runs this request (and its connection) on. Waiting for the next message, or blocking in a write to a
 * slow client, parks only that virtual thread: no platform thread is held per stream.
 */
final class StreamPump {

    private static final SseEvent HEARTBEAT = SseEvent.builder().comment(" heartbeat").build();

    private StreamPump() {
    }

    static void run(ServerResponse res, SseStream stream, SseDemo demo, boolean http2) {
        // a client that stops reading leaves this thread blocked in a write: on overflow, the interrupt ends it
        WriterInterrupter interrupter = new WriterInterrupter(Thread.currentThread());
        stream.outbox().onOverflow(interrupter::interrupt);
        // over HTTP/2 a client may cancel this stream alone, and Helidon does not say so: asked before each write
        BooleanSupplier cancelled = CancelledStreams.of(res);
        // Helidon's sink has no way to write retry: (SseEvent's reconnectDelay is never written); its only output
        // stream is the response's, which it takes when created. Helidon's stream filter hook hands us the same
        // stream, so the retry frame goes onto it directly, right after the headers.
        RawStream raw = new RawStream();
        res.streamFilter(raw);
        SseSink sink = null;
        boolean failed = false;
        try {
            sink = res.sink(SseSink.TYPE); // sends 200 and the headers now
            raw.write(demo.retryFrame());
            while (true) {
                SseMessage message = stream.outbox().take();
                if (cancelled.getAsBoolean()) {
                    return; // nothing more may be written on a reset stream, not even its end (finally)
                }
                switch (message) {
                    case SseMessage.Event event -> sink.emit(forHelidon(event));
                    // a comment, which Helidon's sink ends with the blank line that completes a frame
                    case SseMessage.Heartbeat heartbeat -> sink.emit(HEARTBEAT);
                    case SseMessage.End end -> {
                        return;
                    }
                }
                stream.outbox().sent();
            }
        } catch (InterruptedException e) {
            // the outbox overflowed while this thread waited: end the stream
            failed = true;
        } catch (IOException | RuntimeException e) {
            failed = true;
            // A vanished client: UncheckedIOException from the sink, or Helidon's ServerConnectionException
            // (not an UncheckedIOException) from the connection's writer. The stream ends either way.
        } finally {
            stream.end();
            if (!cancelled.getAsBoolean() && !(http2 && failed)) {
                close(sink);
            }
            interrupter.done(); // this thread goes on to serve the connection's next request
        }
        // Over HTTP/2 a stream that failed or overflowed is reset, not ended: its end would wait for a flow-control
        // window the client never opens, and what it left unread would keep holding the connection's window, so the
        // connection's other streams would stall. Helidon answers this exception with RST_STREAM on this stream
        // only, and the client drops the stream and what it buffered.
        if (http2 && failed && !cancelled.getAsBoolean()) {
            throw new CloseConnectionException("SSE stream ended early",
                    new Http2Exception(Http2ErrorCode.CANCEL, "SSE stream ended early"));
        }
    }

    /**
     * Helidon writes {@code data:} with no space after the colon, so a line that starts with a space would lose
     * it at the client, and it drops the empty line after a final line break ("a\n" would arrive as "a"). One
     * space before every line fixes both: each line is sent as {@code data: <line>}, as SseFrames writes it.
     */
    static SseEvent forHelidon(SseMessage.Event event) {
        SseEvent.Builder builder = SseEvent.builder().name(event.name())
                .data(SseFrames.dataForNoSpaceWriter(event.data()).getBytes(StandardCharsets.UTF_8));
        if (event.id() != null) {
            builder.id(event.id());
        }
        return builder.build();
    }

    private static void close(SseSink sink) {
        if (sink == null) {
            return;
        }
        try {
            sink.close(); // the response's last chunk; fails harmlessly when the client is gone
        } catch (RuntimeException e) {
            // the connection is closed already
        }
    }

    /** Keeps the response's output stream when Helidon creates it, for the frames its sink cannot write. */
    private static final class RawStream implements UnaryOperator<OutputStream> {
        private OutputStream out;

        @Override
        public OutputStream apply(OutputStream out) {
            this.out = out;
            return out;
        }

        void write(String frame) throws IOException {
            out.write(frame.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }
}
