package workshop.sse.core.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * What a stream's writer sends next, as bytes: every frame queued in its outbox (up to about {@link #MAX_BYTES}),
 * events and heartbeats alike, so a stream that fell behind catches up in one write instead of one per event; or the
 * end of the stream. For writers that write the SSE frames themselves. After writing the bytes, the writer reports
 * them {@linkplain Outbox#sent() sent}.
 */
public record FrameBatch(byte[] bytes, boolean endsStream) {

    /** A batch stops growing past this many bytes (by at most one frame). */
    public static final int MAX_BYTES = 64 * 1024;

    private static final FrameBatch END = new FrameBatch(new byte[0], true);

    /** Waits for the next frames, as long as it takes (the heartbeat sweep sees to it that something comes). */
    public static FrameBatch next(Outbox outbox) throws InterruptedException {
        return collect(outbox, outbox.take());
    }

    /** The frames queued now, without waiting: null when there are none. For writers driven by callbacks. */
    public static FrameBatch poll(Outbox outbox) {
        SseMessage first = outbox.poll();
        return first == null ? null : collect(outbox, first);
    }

    private static byte[] frame(SseMessage message) {
        return switch (message) {
            case SseMessage.Event event -> event.frame();
            case SseMessage.Heartbeat heartbeat -> heartbeat.frame();
            case SseMessage.End end -> null;
        };
    }

    private static FrameBatch collect(Outbox outbox, SseMessage first) {
        byte[] firstFrame = frame(first);
        if (firstFrame == null) {
            return END;
        }
        List<byte[]> frames = new ArrayList<>(4);
        frames.add(firstFrame);
        int total = firstFrame.length;
        boolean ends = false;
        while (total < MAX_BYTES) {
            SseMessage next = outbox.poll();
            if (next == null) {
                break;
            }
            byte[] more = frame(next);
            if (more == null) {
                ends = true;
                break;
            }
            frames.add(more);
            total += more.length;
        }
        if (frames.size() == 1) {
            return new FrameBatch(frames.get(0), ends); // the frame's own bytes: nothing copied
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
