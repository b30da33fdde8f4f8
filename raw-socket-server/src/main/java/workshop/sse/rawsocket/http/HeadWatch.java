package workshop.sse.rawsocket.http;

/**
 * Told when a connection stops and starts waiting for a request head, by a clock kept apart from the connection's
 * reads. Without TLS there is none ({@link #NONE}): the reads' own deadline is enough (see {@code Connection}).
 */
public interface HeadWatch {

    HeadWatch NONE = new HeadWatch() {
        @Override
        public void headDone() {
        }

        @Override
        public void awaitingHead() {
        }
    };

    /** A head is complete (or refused): no deadline while it is answered. */
    void headDone();

    /** The answer is sent and the connection kept: the clock starts again for the next head. */
    void awaitingHead();
}
