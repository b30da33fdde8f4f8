package workshop.sse.helidon;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import workshop.sse.core.http.HeadDeadlines;
import workshop.sse.core.http.HeadRules;

/**
 * Slowloris protection Helidon lacks. Its idle sweep (idleConnectionTimeout, set in HelidonServer) closes a
 * connection that has waited 15 s for a request line, but its clock restarts when the request line is complete,
 * and it never interrupts a connection reading headers: a client dripping its head a byte every half second
 * completes the request line after 13 s, then drips headers forever. Here a connection whose head is not
 * complete 15 s after its first bytes (or after its previous response) gets 408 and is closed: the shared
 * {@link HeadDeadlines} keeps the time, and this class tells it what happens on Helidon's connections.
 * Helidon has no hook for "connection opened", so a connection selector that never selects notes when the first
 * bytes arrive (on the connection's own virtual thread); the HTTP/1 listener hears the request line and the end
 * of the head; a routing filter hears when each response is sent.
 */
final class HeadTimeout implements Http1ConnectionListener {

    /** By connection id (ConnectionContext.childSocketId(), which is ServerRequest.socketId()). */
    private final HeadDeadlines<String, ConnectionContext> deadlines =
            new HeadDeadlines<>(HeadTimeout::expire, HeadTimeout::isOpen);
    /** When each connection thread saw its first bytes, until its first request line arrives. */
    private final Map<Thread, Long> firstBytes = new ConcurrentHashMap<>();

    HeadTimeout() {
        deadlines.alsoOnEverySweep(() -> firstBytes.keySet().removeIf(thread -> !thread.isAlive()));
    }

    void stop() {
        deadlines.close();
    }

    /** Asked first about every new connection's first bytes; always declines, so HTTP/1 takes the connection. */
    ServerConnectionSelector firstBytesWatcher() {
        return new ServerConnectionSelector() {
            @Override
            public int bytesToIdentifyConnection() {
                return 0;
            }

            @Override
            public Support supports(BufferData request) {
                firstBytes.putIfAbsent(Thread.currentThread(), System.nanoTime());
                return Support.UNSUPPORTED;
            }

            @Override
            public Set<String> supportedApplicationProtocols() {
                return Set.of();
            }

            @Override
            public ServerConnection connection(ConnectionContext ctx) {
                throw new UnsupportedOperationException("never selected");
            }
        };
    }

    @Override
    public void prologue(ConnectionContext connection, HttpPrologue prologue) { // a request line arrived
        Long first = firstBytes.remove(Thread.currentThread());
        deadlines.opened(connection.childSocketId(), connection, first != null ? first : System.nanoTime());
    }

    @Override
    public void headers(ConnectionContext connection, Headers headers) { // the head is complete
        deadlines.headComplete(connection.childSocketId());
    }

    /** From the routing filter: once this response is sent, the connection waits for its next head. */
    void watch(ServerRequest req, ServerResponse res) {
        String id = req.socketId();
        res.whenSent(() -> deadlines.answered(id));
    }

    /** Closes the request's connection now (the request API has no handle on it; the listener's context has). */
    void closeConnection(ServerRequest req) {
        ConnectionContext connection = deadlines.forget(req.socketId());
        if (connection != null) {
            connection.serverSocket().close();
        }
    }

    private static void expire(ConnectionContext connection) {
        try {
            connection.dataWriter().writeNow(BufferData.create(HeadRules.requestTimeoutAnswer()));
        } catch (RuntimeException e) {
            // already closed: nothing to tell
        }
        try {
            connection.serverSocket().close();
        } catch (RuntimeException e) {
            // already closed
        }
    }

    private static boolean isOpen(ConnectionContext connection) {
        try {
            return connection.serverSocket().isConnected();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
