package workshop.sse.undertow.hardening;

import io.undertow.server.AbstractServerConnection;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http2.Http2ServerConnection;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import workshop.sse.core.http.HeadDeadlines;
import workshop.sse.core.http.HeadRules;

/**
 * Slowloris protection as the SPEC asks it (15 s for a whole head, then 408). Undertow's own timeouts close a late
 * head without a word, and they do not add up to one deadline: {@code NO_REQUEST_TIMEOUT} counts to the first byte
 * of a head and {@code REQUEST_PARSE_TIMEOUT} from there, so a client silent for 10 s, then dripping, lives for 25.
 * The shared {@link HeadDeadlines} keeps the time, and this class tells it what happens on Undertow's connections:
 * the {@link Listener} reports each connection as it is accepted (one that never sends a byte reaches no handler),
 * the outermost handler hears each head complete and, through an exchange-complete listener, its answer sent.
 */
final class HeadTimeout implements AutoCloseable {

    private final HeadDeadlines<StreamConnection, StreamConnection> deadlines =
            new HeadDeadlines<>(this::expire, StreamConnection::isOpen);
    /** Connections with a request under way, so that a head completing as its deadline passes gets no 408. */
    private final Set<StreamConnection> handling = ConcurrentHashMap.newKeySet();
    /**
     * TLS connections handed to HTTP/2 that have not sent a request yet, by the client's address. An HTTP/2
     * exchange names no connection of XNIO's, but its peer address is the connection's, unique among open ones.
     */
    private final Map<SocketAddress, StreamConnection> http2BeforeFirstRequest = new ConcurrentHashMap<>();

    HeadTimeout() {
        deadlines.alsoOnEverySweep(() -> {
            handling.removeIf(connection -> !connection.isOpen());
            http2BeforeFirstRequest.values().removeIf(connection -> !connection.isOpen());
        });
    }

    /** From the listener: the connection is accepted, and its clock starts. */
    void opened(StreamConnection connection) {
        deadlines.opened(connection, connection, System.nanoTime());
    }

    /**
     * From the listener: ALPN chose HTTP/2. Its clock runs on until its first request; from then on Undertow's
     * HTTP/2 idle timeout ({@code NO_REQUEST_TIMEOUT}, see {@link Http2OverTls}) closes it once no stream is open.
     * Undertow's own timer cannot do the first part: it starts only when a stream ends.
     */
    void http2(StreamConnection connection) {
        http2BeforeFirstRequest.put(connection.getPeerAddress(), connection);
    }

    /** The outermost handler: Undertow calls it once a head is complete. */
    HttpHandler wrap(HttpHandler next) {
        return exchange -> {
            if (exchange.getConnection() instanceof Http2ServerConnection http2) {
                StreamConnection connection = http2BeforeFirstRequest.remove(http2.getPeerAddress());
                if (connection != null) {
                    deadlines.forget(connection); // a request came: Undertow watches it from here
                }
            } else if (exchange.getConnection() instanceof AbstractServerConnection server) {
                StreamConnection connection = server.getChannel();
                handling.add(connection);
                deadlines.headComplete(connection);
                exchange.addExchangeCompleteListener((done, nextListener) -> {
                    handling.remove(connection);
                    deadlines.opened(connection, connection, System.nanoTime()); // if a sweep let it go meanwhile
                    deadlines.answered(connection);
                    nextListener.proceed();
                });
            }
            next.handleRequest(exchange);
        };
    }

    /**
     * From the sweep: the 408 is written on the connection's IO thread, the thread that reads its heads. An HTTP/2
     * connection that sent no request is closed without one (an HTTP/1.1 answer means nothing there).
     */
    private void expire(StreamConnection connection) {
        try {
            connection.getIoThread().execute(() -> {
                if (http2BeforeFirstRequest.remove(connection.getPeerAddress(), connection)) {
                    IoUtils.safeClose(connection);
                } else if (!handling.contains(connection)) { // the head did not complete since the sweep looked
                    answerAndClose(connection);
                }
            });
        } catch (RejectedExecutionException stopping) {
            // the worker is stopping, and closes the connection itself
        }
    }

    /**
     * No request is under way, so nothing of Undertow's is half-written: the 408 goes straight to the socket, and
     * the connection is closed. The bytes already received are read first: a socket closed with unread bytes
     * sends a reset, which could make the client lose the 408.
     */
    private static void answerAndClose(StreamConnection connection) {
        try {
            ByteBuffer unread = ByteBuffer.allocate(1024);
            while (connection.getSourceChannel().read(unread.clear()) > 0) {
                // dropped: this head is not going to be answered
            }
            connection.getSinkChannel().write(ByteBuffer.wrap(HeadRules.requestTimeoutAnswer()));
            connection.getSinkChannel().flush();
        } catch (IOException e) {
            // the client is gone or does not read: the close is all it gets
        } finally {
            IoUtils.safeClose(connection);
        }
    }

    /** Stops the sweeps. */
    @Override
    public void close() {
        deadlines.close();
    }
}
