package workshop.sse.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a stream's writer sends next, as bytes: every frame queued in its outbox (up to about {@link #MAX_BYTES}),
 * so a stream that fell behind catches up in one write instead of one per event; a heartbeat when nothing came
 * for a whole heartbeat period; or the end of the stream. For writers that write the SSE frames themselves. After
 * writing the bytes, the writer reports them {@linkplain Outbox#sent() sent}.
 */
public record FrameBatch(byte[] bytes, boolean endsStream) {

    /** A batch stops growing past this many bytes (by at most one frame). */
    public static final int MAX_BYTES = 64 * 1024;

    private static final FrameBatch HEARTBEAT =
            new FrameBatch(SseFrames.heartbeat().getBytes(StandardCharsets.UTF_8), false);
    private static final FrameBatch END = new FrameBatch(new byte[0], true);

    /** Waits up to {@code heartbeatMs} for the next frames; a heartbeat when none came in that time. */
    public static FrameBatch next(Outbox outbox, long heartbeatMs) throws InterruptedException {
        SseMessage first = outbox.take(heartbeatMs, TimeUnit.MILLISECONDS);
        return first == null ? HEARTBEAT : collect(outbox, first);
    }

    /** The frames queued now, without waiting: null when there are none. For writers driven by callbacks. */
    public static FrameBatch poll(Outbox outbox) {
        SseMessage first = outbox.poll();
        return first == null ? null : collect(outbox, first);
    }

    /** True for the heartbeat batch: nothing but a comment, written because the stream was silent. */
    public boolean isHeartbeat() {
        return this == HEARTBEAT;
    }

    private static FrameBatch collect(Outbox outbox, SseMessage first) {
        if (!(first instanceof SseMessage.Event event)) {
            return END;
        }
        List<byte[]> frames = new ArrayList<>(4);
        frames.add(event.frame());
        int total = event.frame().length;
        boolean ends = false;
        while (total < MAX_BYTES) {
            SseMessage next = outbox.poll();
            if (next == null) {
                break;
            }
            if (!(next instanceof SseMessage.Event more)) {
                ends = true;
                break;
            }
            frames.add(more.frame());
            total += more.frame().length;
        }
        if (frames.size() == 1) {
            return new FrameBatch(frames.get(0), ends); // the event's own bytes: nothing copied
        }
        byte[] bytes = new byte[total];
        int at = 0;
        for (byte[] frame : frames) {
            System.arraycopy(frame, 0, bytes, at, frame.length);
            at += frame.length;
        }
        return new FrameBatch(bytes, ends);
    }
}
