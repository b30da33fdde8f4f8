package workshop.sse.core.demo;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import workshop.sse.core.wire.SseStream;

/** Every open SSE stream of the server, counter and broadcast together, within MAX_STREAMS. */
public final class Streams {

    private final int maxStreams;
    private final Set<SseStream> open = ConcurrentHashMap.newKeySet();
    private final Object admission = new Object();
    private volatile Runnable countChanged = () -> { };

    public Streams(int maxStreams) {
        this.maxStreams = maxStreams;
    }

    /** A new stream, or null when MAX_STREAMS are already open. */
    SseStream open(SseStream.Kind kind) {
        SseStream stream = new SseStream(kind);
        synchronized (admission) { // count and add as one step, so two racing opens cannot both take the last slot
            if (open.size() >= maxStreams) {
                return null;
            }
            open.add(stream);
        }
        countChanged.run();
        stream.whenEnded(() -> {
            open.remove(stream);
            countChanged.run();
        });
        return stream;
    }

    /** {@code listener} runs after every open and every end (for a cluster's counts; it must not block). */
    void whenCountChanges(Runnable listener) {
        countChanged = listener;
    }

    public int count(SseStream.Kind kind) {
        int n = 0;
        for (SseStream stream : open) {
            if (stream.kind() == kind) {
                n++;
            }
        }
        return n;
    }

    /** Closes every open stream (their writers end the responses); returns how many there were. */
    public int closeAll() {
        int closed = 0;
        for (SseStream stream : open) {
            stream.outbox().close();
            closed++;
        }
        return closed;
    }

    /**
     * Gives every stream that wrote nothing since {@code silentSinceNanos} a heartbeat to write: the one sweep that
     * keeps all streams from falling silent for a heartbeat period.
     */
    void heartbeat(long silentSinceNanos) {
        for (SseStream stream : open) {
            stream.outbox().heartbeatIfSilentSince(silentSinceNanos);
        }
    }

    public int maxStreams() {
        return maxStreams;
    }
}
