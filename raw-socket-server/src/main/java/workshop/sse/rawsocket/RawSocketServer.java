package workshop.sse.rawsocket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import workshop.sse.core.demo.SseDemo;
import workshop.sse.core.launch.Launcher;
import workshop.sse.core.launch.Settings;
import workshop.sse.rawsocket.http.Answer;
import workshop.sse.rawsocket.http.Connection;

/**
 * The demo on a bare {@link ServerSocket}: one virtual thread accepts, and each connection gets a virtual thread
 * of its own. Blocking code, written plainly, and still thousands of streams: a parked virtual thread costs a few
 * hundred bytes, not a platform thread's stack.
 */
public final class RawSocketServer implements Launcher.Running {

    private static final String STACK = "java.net.ServerSocket, virtual threads (no HTTP library)";
    /** A deep accept queue: after POST /api/disconnect every client reconnects at once; 50 would overflow. */
    private static final int BACKLOG = 4096;

    private final ServerSocket listener;
    private final SseDemo demo;
    private final Router router;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    private RawSocketServer(ServerSocket listener, SseDemo demo) {
        this.listener = listener;
        this.demo = demo;
        this.router = new Router(demo);
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
        RawSocketServer server = new RawSocketServer(listener, new SseDemo("raw-socket", STACK, settings));
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

    private void serve(Socket socket) {
        try {
            socket.setTcpNoDelay(true); // small SSE frames go out now, not after Nagle's wait for more
            Answer.Stream stream = new Connection(socket, router).serve();
            if (stream != null) {
                // the request is over, and with it the HTTP connection's buffers: the stream owns the socket now
                StreamPump.run(socket, stream.headers(), stream.stream(), demo);
            }
        } catch (IOException e) {
            // the socket failed as it opened
        } finally {
            open.remove(socket);
            Connection.closeQuietly(socket);
        }
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
    }
}
