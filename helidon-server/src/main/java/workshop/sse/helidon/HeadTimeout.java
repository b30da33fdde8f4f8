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
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Slowloris protection Helidon lacks. Its idle sweep (idleConnectionTimeout, set in HelidonServer) closes a
 * connection that has waited 15 s for a request line, but its clock restarts when the request line is complete,
 * and it never interrupts a connection reading headers: a client dripping its head a byte every half second
 * completes the request line after 13 s, then drips headers forever. Here a connection whose head is not
 * complete 15 s after its first bytes (or after its previous response) gets 408 and is closed.
 * Helidon has no hook for "connection opened", so a connection selector that never selects notes when the first
 * bytes arrive (on the connection's own virtual thread); the HTTP/1 listener hears the request line and the end
 * of the head; a routing filter hears when each response is sent.
 */
final class HeadTimeout implements Http1ConnectionListener {

    static final long LIMIT_MS = 15_000;
    private static final byte[] REQUEST_TIMEOUT = ("HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n"
            + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    /** Per connection: is a request being handled, and since when has it been waiting for a head. */
    private static final class Waiting {
        final ConnectionContext connection;
        volatile boolean handling;
        volatile long sinceNanos = System.nanoTime();

        Waiting(ConnectionContext connection) {
            this.connection = connection;
        }
    }

    /** By connection id (ConnectionContext.childSocketId(), which is ServerRequest.socketId()). */
    private final Map<String, Waiting> connections = new ConcurrentHashMap<>();
    /** When each connection thread saw its first bytes, until its first request line arrives. */
    private final Map<Thread, Long> firstBytes = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("head-timeout").daemon().factory());

    void start() {
        sweeper.scheduleWithFixedDelay(this::sweep, 250, 250, TimeUnit.MILLISECONDS);
    }

    void stop() {
        sweeper.shutdownNow();
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
        connections.computeIfAbsent(connection.childSocketId(), id -> {
            Waiting waiting = new Waiting(connection);
            Long first = firstBytes.remove(Thread.currentThread());
            if (first != null) {
                waiting.sinceNanos = first;
            }
            return waiting;
        });
    }

    @Override
    public void headers(ConnectionContext connection, Headers headers) { // the head is complete
        Waiting waiting = connections.get(connection.childSocketId());
        if (waiting != null) {
            waiting.handling = true;
        }
    }

    /** From the routing filter: once this response is sent, the connection waits for its next head. */
    void watch(ServerRequest req, ServerResponse res) {
        String id = req.socketId();
        res.whenSent(() -> {
            Waiting waiting = connections.get(id);
            if (waiting != null) {
                waiting.sinceNanos = System.nanoTime();
                waiting.handling = false;
            }
        });
    }

    /** Closes the request's connection now (the request API has no handle on it; the listener's context has). */
    void closeConnection(ServerRequest req) {
        Waiting waiting = connections.remove(req.socketId());
        if (waiting != null) {
            waiting.connection.serverSocket().close();
        }
    }

    private void sweep() {
        firstBytes.keySet().removeIf(thread -> !thread.isAlive());
        long limit = TimeUnit.MILLISECONDS.toNanos(LIMIT_MS);
        long now = System.nanoTime();
        connections.forEach((id, waiting) -> {
            if (!isOpen(waiting.connection)) { // closed by Helidon or the client: forget it
                connections.remove(id, waiting);
            } else if (!waiting.handling && now - waiting.sinceNanos > limit && connections.remove(id, waiting)) {
                try {
                    waiting.connection.dataWriter().writeNow(BufferData.create(REQUEST_TIMEOUT));
                } catch (RuntimeException e) {
                    // already closed: nothing to tell
                }
                try {
                    waiting.connection.serverSocket().close();
                } catch (RuntimeException e) {
                    // already closed
                }
            }
        });
    }

    private static boolean isOpen(ConnectionContext connection) {
        try {
            return connection.serverSocket().isConnected();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
