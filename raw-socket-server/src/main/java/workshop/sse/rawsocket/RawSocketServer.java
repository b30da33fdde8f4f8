package workshop.sse.rawsocket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import workshop.sse.core.http.HeadRules;
import workshop.sse.core.demo.SseDemo;
import workshop.sse.core.launch.Launcher;
import workshop.sse.core.launch.Settings;
import workshop.sse.rawsocket.hardening.TlsHeadDeadline;
import workshop.sse.rawsocket.http.Answer;
import workshop.sse.rawsocket.http.Connection;
import workshop.sse.rawsocket.http.HeadWatch;

/**
 * The demo on a bare {@link ServerSocket}: one virtual thread accepts, and each connection gets a virtual thread
 * of its own. Blocking code, written plainly, and still thousands of streams: a parked virtual thread costs a few
 * hundred bytes, not a platform thread's stack. With {@code TLS} set, each connection is HTTPS on the same port, and
 * still HTTP/1.1 (see the README: HTTP/2 by hand is a workshop of its own).
 */
public final class RawSocketServer implements Launcher.Running {

    private static final String STACK = "java.net.ServerSocket, virtual threads (no HTTP library)";
    /** A deep accept queue: after POST /api/disconnect every client reconnects at once; 50 would overflow. */
    private static final int BACKLOG = 4096;

    private final ServerSocket listener;
    private final SseDemo demo;
    private final Router router;
    private final SSLSocketFactory tls; // null without TLS
    private final TlsHeadDeadline tlsHeadDeadline; // null without TLS
    private final Set<Socket> open = ConcurrentHashMap.newKeySet(); // the TCP sockets, under TLS or not
    private volatile boolean closing;

    private RawSocketServer(ServerSocket listener, SseDemo demo, Settings settings) {
        this.listener = listener;
        this.demo = demo;
        this.router = new Router(demo);
        this.tls = settings.tls() == null ? null : settings.tls().sslContext().getSocketFactory();
        this.tlsHeadDeadline = settings.tls() == null ? null : new TlsHeadDeadline();
    }

    public static RawSocketServer start(Settings settings) {
        ServerSocket listener;
        try {
            listener = new ServerSocket();
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(settings.host(), settings.port()), BACKLOG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RawSocketServer server = new RawSocketServer(listener, new SseDemo("raw-socket", STACK, settings), settings);
        Thread.ofVirtual().name("raw-socket-accept").start(server::acceptLoop);
        return server;
    }

    private void acceptLoop() {
        while (!closing) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (closing) {
                    return;
                }
                continue; // one failed accept (say, a client that reset at once) is not the server's end
            }
            open.add(socket);
            Thread.ofVirtual().name("raw-socket-conn").start(() -> serve(socket));
        }
    }

    private void serve(Socket tcp) {
        Socket socket = tcp;
        try {
            tcp.setTcpNoDelay(true); // small SSE frames go out now, not after Nagle's wait for more
            HeadWatch watch = HeadWatch.NONE;
            if (tls != null) {
                watch = tlsHeadDeadline.watch(tcp, System.nanoTime());
                socket = handshake(tcp);
            }
            Answer.Stream stream = new Connection(socket, router, watch).serve();
            if (stream != null) {
                // the request is over, and with it the HTTP connection's buffers: the stream owns the socket now
                StreamPump.run(socket, tcp, stream.headers(), stream.stream(), demo);
            }
        } catch (IOException e) {
            // the socket failed as it opened, or its TLS handshake failed or took too long
        } finally {
            open.remove(tcp);
            if (tls != null) {
                tlsHeadDeadline.forget(tcp);
            }
            Connection.closeQuietly(socket); // over TLS, says close_notify first, and closes the TCP socket under it
            Connection.closeQuietly(tcp);
        }
    }

    /**
     * HTTPS: the accepted TCP socket wrapped in TLS, server side, and the handshake done here, on the connection's own
     * virtual thread, not on the accept loop, so a client that stalls in it holds up no one else. The handshake counts
     * against the head deadline: the TCP socket waits at most that long for each read, and the TlsHeadDeadline closes
     * it when the handshake and the head together take longer. When the client offers ALPN, only HTTP/1.1 is on offer:
     * curl and browsers then speak HTTP/1.1, and a client that wants h2 and nothing else fails the handshake.
     */
    private SSLSocket handshake(Socket tcp) throws IOException {
        SSLSocket socket = (SSLSocket) tls.createSocket(tcp, null, true); // server mode; closing it closes tcp
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(HeadRules.DEADLINE_MS);
        socket.startHandshake();
        return socket;
    }

    @Override
    public int port() {
        return listener.getLocalPort();
    }

    /** Stops accepting, ends every stream, and closes every connection, idle or not. */
    @Override
    public void close() {
        closing = true;
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        demo.close();
        open.forEach(Connection::closeQuietly);
        if (tlsHeadDeadline != null) {
            tlsHeadDeadline.close();
        }
    }
}
