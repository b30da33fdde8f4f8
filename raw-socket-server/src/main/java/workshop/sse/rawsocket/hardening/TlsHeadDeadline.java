package workshop.sse.rawsocket.hardening;

import java.net.Socket;
import workshop.sse.core.http.HeadDeadlines;
import workshop.sse.core.http.HeadRules;
import workshop.sse.rawsocket.http.Connection;
import workshop.sse.rawsocket.http.HeadWatch;

/**
 * The head deadline (SPEC 10.4) over TLS, where the connection's reads cannot keep it alone. Their timeout, set to the
 * time left before every read, bounds each wait of the TCP socket; but one read of a TLS socket may wait many times:
 * through the whole handshake, or through one record that a client drips a byte at a time. So a TLS connection is also
 * watched by the shared {@link HeadDeadlines}, from the moment it is accepted: one that has not completed its handshake
 * and a head by the deadline has its TCP socket closed. A second later than the reads' own deadline, so that the 408
 * they answer comes first wherever they can still answer one.
 */
public final class TlsHeadDeadline implements AutoCloseable {

    private static final long GRACE_MS = 1_000;

    // keyed and expired by the TCP socket: closing it ends a read or a handshake at once, whatever TLS is doing
    private final HeadDeadlines<Socket, Socket> deadlines =
            new HeadDeadlines<>(HeadRules.DEADLINE_MS + GRACE_MS, Connection::closeQuietly, tcp -> !tcp.isClosed());

    /** Starts the clock of a connection just accepted, before its handshake; the watch tells it of each head. */
    public HeadWatch watch(Socket tcp, long acceptedNanos) {
        deadlines.opened(tcp, tcp, acceptedNanos);
        return new HeadWatch() {
            @Override
            public void headDone() {
                deadlines.headComplete(tcp);
            }

            @Override
            public void awaitingHead() {
                deadlines.answered(tcp);
            }
        };
    }

    public void forget(Socket tcp) {
        deadlines.forget(tcp);
    }

    @Override
    public void close() {
        deadlines.close();
    }
}
