package workshop.sse.helidon.hardening;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.socket.SocketOptions;
import io.helidon.http.Headers;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import workshop.sse.core.http.HeadDeadlines;
import workshop.sse.core.http.HeadRules;
import workshop.sse.helidon.http.Exchanges;

/**
 * Slowloris protection Helidon lacks (SPEC 10.4): a connection whose head is not complete 15 s after it was
 * accepted (or after its previous response) gets 408 and is closed. Helidon's own idle sweep cannot do it: it
 * only sees a connection once a protocol has been picked from its first bytes (a silent one is never swept), it
 * never interrupts a head that is being read (a drip of headers goes on forever), and it closes without a word.
 * The shared {@link HeadDeadlines} keeps the time; this class tells it what happens on Helidon's connections.
 * Helidon has no "connection accepted" hook, but its listener hands every accepted socket to the connection
 * options' {@code configureSocket} before anything reads from it: {@link #acceptWatcher()} starts the clock there.
 * The HTTP/1 listener hears the end of each head; a routing filter hears when each response is sent.
 */
final class HeadTimeout implements Http1ConnectionListener {

    /**
     * By the client's address and port: no two open connections share it, and the accepted socket, Helidon's
     * connection and each request all know it.
     */
    private final HeadDeadlines<SocketAddress, SocketChannel> deadlines =
            new HeadDeadlines<>(this::expire, SocketChannel::isOpen);
    /**
     * Over TLS the 408 must go through TLS: the HTTP/1 connections' contexts (whose writer encrypts), by client. A
     * TLS connection not known here (its handshake or its first bytes never came, or it is HTTP/2) is closed
     * without a word: plain bytes in a TLS stream would only be garbage to the client.
     */
    private final Map<SocketAddress, ConnectionContext> tlsHttp1 = new ConcurrentHashMap<>();
    private final boolean tls;

    HeadTimeout(boolean tls) {
        this.tls = tls;
        deadlines.alsoOnEverySweep(() -> tlsHttp1.values().removeIf(ctx -> !ctx.serverSocket().isConnected()));
    }

    /** An HTTP/1 connection over TLS, from {@link Http1Gate}: its deadline answers 408 through TLS. */
    void http1OverTls(ConnectionContext ctx) {
        tlsHttp1.put(ctx.remotePeer().address(), ctx);
    }

    void stop() {
        deadlines.close();
    }

    /** Helidon's default connection options, plus a look at each connection the moment it is accepted. */
    SocketOptions acceptWatcher() {
        return new AcceptWatcher(SocketOptions.create(), this::accepted);
    }

    private void accepted(SocketChannel channel) {
        try {
            SocketAddress client = channel.getRemoteAddress();
            deadlines.forget(client); // an earlier connection from this address and port, closed but not yet swept
            tlsHttp1.remove(client);
            deadlines.opened(client, channel, System.nanoTime());
        } catch (IOException e) {
            // closed already: Helidon finds out on its own
        }
    }

    @Override
    public void headers(ConnectionContext connection, Headers headers) { // the head is complete
        deadlines.headComplete(connection.remotePeer().address());
    }

    /** From the routing filter: once this response is sent, the connection waits for its next head. */
    void watch(ServerRequest req, ServerResponse res) {
        SocketAddress client = req.remotePeer().address();
        if (Exchanges.isHttp2(req)) {
            // HTTP/2: its first request ends the wait (Helidon's HTTP/1 listener never hears HTTP/2 heads); its
            // answers start no new wait, the connection carries other streams (an idle one: Helidon's sweep)
            deadlines.headComplete(client);
            return;
        }
        res.whenSent(() -> deadlines.answered(client));
    }

    /** Closes the request's connection now (the request API has no handle on it; the accepted socket is one). */
    void closeConnection(ServerRequest req) {
        SocketChannel channel = deadlines.forget(req.remotePeer().address());
        if (channel != null) {
            close(channel);
        }
    }

    private void expire(SocketChannel channel) {
        ConnectionContext overTls = tls ? tlsHttp1.remove(channel.socket().getRemoteSocketAddress()) : null;
        // On a thread of its own: a client that reads nothing could block the write, and the sweep must go on.
        Thread.startVirtualThread(() -> {
            try {
                if (!tls) {
                    channel.write(ByteBuffer.wrap(HeadRules.requestTimeoutAnswer()));
                } else if (overTls != null) {
                    overTls.dataWriter().writeNow(BufferData.create(HeadRules.requestTimeoutAnswer()));
                }
            } catch (IOException | RuntimeException e) {
                // closed meanwhile: nothing to tell
            }
            close(channel);
        });
    }

    /** As Helidon closes its own sockets: the end of output first, so what was written arrives before the close. */
    private static void close(SocketChannel channel) {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            // already closed
        }
        try {
            channel.close(); // Helidon's reader, blocked on this connection, fails and ends it
        } catch (IOException e) {
            // already closed
        }
    }

    /** Helidon's connection options as they are, and a call with each accepted socket. */
    private record AcceptWatcher(SocketOptions options, Consumer<SocketChannel> onAccept) implements SocketOptions {

        @Override
        public void configureSocket(SocketChannel channel) {
            options.configureSocket(channel);
            onAccept.accept(channel);
        }

        @Override
        public Map<SocketOption<?>, Object> socketOptions() {
            return options.socketOptions();
        }

        @Override
        public Duration connectTimeout() {
            return options.connectTimeout();
        }

        @Override
        public Duration readTimeout() {
            return options.readTimeout();
        }

        @Override
        public Optional<Integer> socketReceiveBufferSize() {
            return options.socketReceiveBufferSize();
        }

        @Override
        public Optional<Integer> socketSendBufferSize() {
            return options.socketSendBufferSize();
        }

        @Override
        public boolean socketReuseAddress() {
            return options.socketReuseAddress();
        }

        @Override
        public boolean socketKeepAlive() {
            return options.socketKeepAlive();
        }

        @Override
        public boolean tcpNoDelay() {
            return options.tcpNoDelay();
        }
    }
}
