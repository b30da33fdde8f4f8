package workshop.sse.undertow.hardening;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.sse.ServerSentEventConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.xnio.XnioIoThread;
import org.xnio.conduits.StreamSinkConduit;
import workshop.sse.core.wire.SseFrames;

/**
 * Undertow's own keep-alive ({@code setKeepAliveTime}) writes ":\n", a comment line without the blank line that ends
 * a frame, so a client sees no complete frame until the next event. This writes the heartbeat frame itself, straight
 * to the response's conduit (which the connection writes through too), on the IO thread, only while no send of
 * Undertow's is in flight, and never blocks: when the socket is full it tries again shortly.
 */
public final class ConduitHeartbeat {

    private static final byte[] HEARTBEAT = SseFrames.heartbeat().getBytes(StandardCharsets.UTF_8);
    private static final long RETRY_MS = 100;

    private final XnioIoThread io;
    private StreamSinkConduit socket;

    private ConduitHeartbeat(XnioIoThread io) {
        this.io = io;
    }

    /**
     * Keeps the response's conduit of {@code exchange} as it is created. {@link ServerSentEventConnection} hides its
     * channel; a response wrapper is the way to the conduit it writes through.
     */
    public static ConduitHeartbeat on(HttpServerExchange exchange) {
        ConduitHeartbeat heartbeat = new ConduitHeartbeat(exchange.getIoThread());
        exchange.addResponseWrapper((factory, ignored) -> heartbeat.socket = factory.create());
        return heartbeat;
    }

    /** Writes one heartbeat frame; then {@code written}, or {@code failed} (the client is gone). IO thread only. */
    public void write(ServerSentEventConnection connection, BooleanSupplier open, Runnable written, Runnable failed) {
        write(connection, ByteBuffer.wrap(HEARTBEAT), open, written, failed);
    }

    private void write(ServerSentEventConnection connection, ByteBuffer left, BooleanSupplier open, Runnable written,
                       Runnable failed) {
        if (!open.getAsBoolean()) {
            return;
        }
        try {
            boolean flushed;
            synchronized (connection) { // Undertow's writer holds this lock whenever it writes
                socket.write(left);
                flushed = socket.flush();
            }
            if (left.hasRemaining() || !flushed) { // a client that does not read: try again shortly
                io.executeAfter(() -> write(connection, left, open, written, failed), RETRY_MS, TimeUnit.MILLISECONDS);
                return;
            }
            written.run();
        } catch (IOException | RejectedExecutionException e) {
            failed.run(); // the usual way a vanished client is noticed: its second heartbeat fails
        }
    }
}
