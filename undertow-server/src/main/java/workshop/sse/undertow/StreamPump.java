package workshop.sse.undertow;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.sse.ServerSentEventConnection;
import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xnio.IoUtils;
import org.xnio.XnioIoThread;
import workshop.sse.core.demo.SseDemo;
import workshop.sse.core.wire.Outbox;
import workshop.sse.core.wire.SseFrames;
import workshop.sse.core.wire.SseMessage;
import workshop.sse.core.wire.SseStream;
import workshop.sse.undertow.hardening.ConduitHeartbeat;

/**
 * One stream's writer: drains the stream's outbox into Undertow's {@link ServerSentEventConnection}, driven by
 * callbacks, never by a blocked thread. It sends one message at a time and the next only when the previous send's
 * callback says it reached the socket, because {@code send} itself queues without bound: the outbox's 1 MiB is
 * the only queue a slow client can fill. When the outbox is empty the pump simply returns; the outbox's wake-up
 * brings it back. All of its state lives on the connection's XNIO IO thread, so it needs no lock; producers on
 * other threads only ever hand it work with {@code execute}.
 */
final class StreamPump implements ServerSentEventConnection.EventCallback {

    private final ServerSentEventConnection connection;
    private final ConduitHeartbeat heartbeats;
    private final SseStream stream;
    private final Outbox outbox;
    private final XnioIoThread io;
    private final AtomicBoolean wakeUpQueued = new AtomicBoolean();

    // IO thread only:
    private boolean busy; // a send (or a heartbeat) is on its way to the socket
    private volatile boolean ended; // read by wakeUp too, so that a finished pump is not woken

    private StreamPump(ServerSentEventConnection connection, XnioIoThread io, ConduitHeartbeat heartbeats,
                       SseStream stream) {
        this.connection = connection;
        this.heartbeats = heartbeats;
        this.stream = stream;
        this.outbox = stream.outbox();
        this.io = io;
    }

    /** Called by Undertow once the stream's headers are out (on an IO or a worker thread). */
    static void start(ServerSentEventConnection connection, HttpServerExchange exchange, ConduitHeartbeat heartbeats,
                      SseStream stream, SseDemo demo) {
        StreamPump pump = new StreamPump(connection, exchange.getIoThread(), heartbeats, stream);
        pump.onIoThread(() -> pump.begin(demo.settings().retryMs()));
    }

    private void begin(long retryMs) {
        // Close tasks do not fire for every vanished client (never over HTTP/2): failed sends and heartbeats, and
        // the exchange's end (SseEndpoints), catch the rest.
        connection.addCloseTask(closed -> onIoThread(this::finish));
        outbox.onWakeUp(this::wakeUp);
        // A client that stops reading leaves a send in flight; when its outbox overflows, close the connection now.
        outbox.onOverflow(() -> onIoThread(this::finish));
        busy = true;
        connection.sendRetry(retryMs, this);
    }

    /** From the producers' threads (after every offer, finish and close): hand the pump to the IO thread, once. */
    private void wakeUp() {
        if (!ended && wakeUpQueued.compareAndSet(false, true)) {
            onIoThread(this::pump);
        }
    }

    private void onIoThread(Runnable task) {
        try {
            io.execute(task);
        } catch (RejectedExecutionException stopping) {
            // Undertow is stopping: it closes every connection itself
        }
    }

    private void pump() {
        wakeUpQueued.set(false);
        if (busy || ended) {
            return; // the send in flight calls back, and the pump goes on from there
        }
        switch (outbox.poll()) {
            case null -> { } // nothing to send: the next offer wakes the pump
            case SseMessage.Event event -> {
                busy = true;
                // Undertow writes data:, event: and id: with no space after the colon, which a client drops when it
                // is there (a data line starting with a space would lose it), and splits data at LF only (a CR
                // would break out of data:): each value gets one space, and each line break becomes LF.
                connection.send(SseFrames.dataForNoSpaceWriter(event.data()), " " + event.name(),
                        event.id() == null ? null : " " + event.id(), this);
            }
            case SseMessage.Heartbeat heartbeat -> {
                busy = true;
                // written by hand: Undertow's keep-alive comment lacks the blank line that ends a frame
                heartbeats.write(connection, () -> !ended, this::sentOne, this::finish);
            }
            case SseMessage.End end -> finish();
        }
    }

    @Override
    public void done(ServerSentEventConnection connection, String data, String event, String id) {
        // The retry: frame, or the event in flight, reached the socket. Undertow calls this from inside its write
        // listener, which goes on using the connection's buffer afterwards: closing the connection here (the next
        // message may be the end) would null that buffer under it (a NullPointerException in Undertow's
        // SseWriteListener, logged on every reset HTTP/2 stream). So the pump goes on in a task of its own.
        onIoThread(this::sentOne);
    }

    private void sentOne() {
        busy = false;
        outbox.sent();
        pump();
    }

    @Override
    public void failed(ServerSentEventConnection connection, String data, String event, String id, IOException e) {
        finish();
    }

    /** Ends the response and frees the stream, whatever ended it. */
    private void finish() {
        if (ended) {
            return;
        }
        ended = true;
        stream.end();
        IoUtils.safeClose(connection);
    }
}
