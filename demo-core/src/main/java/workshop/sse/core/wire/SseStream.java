package workshop.sse.core.wire;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import workshop.sse.core.launch.Settings;

/**
 * One open SSE response: what kind it is and the outbox its writer drains. The server's writer calls
 * {@link #end()} once the response is over, however it ended; that frees everything the stream held.
 */
public final class SseStream {

    public enum Kind { COUNTER, BROADCAST }

    private final Kind kind;
    private final Outbox outbox = new Outbox(Settings.OUTBOX_BYTES);
    private final List<Runnable> endActions = new CopyOnWriteArrayList<>();
    private final AtomicBoolean ended = new AtomicBoolean();

    public SseStream(Kind kind) {
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public Outbox outbox() {
        return outbox;
    }

    /** The response is over (client gone, outbox ended, write failed): unsubscribe, stop timers, free the slot. */
    public void end() {
        if (ended.compareAndSet(false, true)) {
            outbox.close();
            endActions.forEach(Runnable::run);
        }
    }

    public boolean isEnded() {
        return ended.get();
    }

    /** Runs {@code action} when the stream ends (at once if it already has). */
    public void whenEnded(Runnable action) {
        endActions.add(action);
        if (ended.get() && endActions.remove(action)) {
            action.run();
        }
    }
}
