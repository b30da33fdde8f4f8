package workshop.sse.core.wire;

import java.nio.charset.StandardCharsets;

/** What a stream's outbox holds: events to write, heartbeats, and the end of the stream. */
public sealed interface SseMessage {

    /** What the message costs in the outbox: the bytes of its frame. */
    int sizeInBytes();

    /**
     * An event; {@code id} is null for events that must never move a client's last id (presence, gap). Its frame
     * is encoded once, however many streams it goes to.
     */
    final class Event implements SseMessage {
        private final String id;
        private final String name;
        private final String data;
        private final byte[] frame;

        public Event(String id, String name, String data) {
            this.id = id;
            this.name = name;
            this.data = data;
            this.frame = SseFrames.event(id, name, data).getBytes(StandardCharsets.UTF_8);
        }

        public String id() {
            return id;
        }

        public String name() {
            return name;
        }

        public String data() {
            return data;
        }

        /** The frame's bytes, shared by every stream it goes to: never to be changed. */
        byte[] frame() {
            return frame;
        }

        @Override
        public int sizeInBytes() {
            return frame.length;
        }

        @Override
        public String toString() {
            return "Event[id=" + id + ", name=" + name + ", " + frame.length + " bytes]";
        }
    }

    /**
     * A comment frame, queued by the heartbeat sweep for a stream that wrote nothing for most of a heartbeat period:
     * it keeps proxies from closing an idle stream, and its write is how a vanished client gets noticed.
     */
    final class Heartbeat implements SseMessage {
        private final byte[] frame = SseFrames.heartbeat().getBytes(StandardCharsets.UTF_8);

        private Heartbeat() {
        }

        byte[] frame() {
            return frame;
        }

        @Override
        public int sizeInBytes() {
            return frame.length;
        }
    }

    Heartbeat HEARTBEAT = new Heartbeat();

    /** No more messages: the writer ends the response. */
    record End() implements SseMessage {
        @Override
        public int sizeInBytes() {
            return 0;
        }
    }

    SseMessage END = new End();
}
