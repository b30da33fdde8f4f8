package workshop.sse.rawsocket.selftest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A TCP proxy on 127.0.0.1 in front of a real server, one upstream connection for each client connection. It passes
 * bytes both ways as they are, and a close, a half-close or a reset on one side to the other, so the kit sees the
 * server itself.
 */
final class FaultProxy implements AutoCloseable {

    /**
     * Socket buffers of the proxy's own connections: small, so that a client that stops reading is felt upstream
     * about as soon as it would be without the proxy (the kit's non-reading client asks for 4 KiB).
     */
    static final int SOCKET_BUFFER = 64 * 1024;

    private final int upstreamPort;
    private final Consumer<String> errors;
    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    private FaultProxy(int upstreamPort, Consumer<String> errors) throws IOException {
        this.upstreamPort = upstreamPort;
        this.errors = errors;
        this.listener = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
    }

    /** @param errors told what went wrong in the proxy itself (never what a client or the server did) */
    static FaultProxy start(int upstreamPort, Consumer<String> errors) throws IOException {
        FaultProxy proxy = new FaultProxy(upstreamPort, errors);
        proxy.threads.execute(proxy::accept);
        return proxy;
    }

    URI baseUri() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/");
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
                client.setTcpNoDelay(true);
                client.setSendBufferSize(SOCKET_BUFFER);
            } catch (IOException e) {
                continue; // closed (then the loop ends), or one client that reset at once
            }
            sockets.add(client);
            threads.execute(() -> passThrough(client));
        }
    }

    // ---- bytes both ways, as they are

    private void passThrough(Socket client) {
        Socket upstream;
        try {
            upstream = connectUpstream();
        } catch (IOException e) {
            abort(client); // as the server's refusal would look
            return;
        }
        AtomicInteger running = new AtomicInteger(2);
        Runnable done = () -> {
            if (running.decrementAndGet() == 0) {
                release(client);
                release(upstream);
            }
        };
        threads.execute(() -> {
            pump(client, upstream);
            done.run();
        });
        pump(upstream, client);
        done.run();
    }

    /**
     * Copies {@code from} to {@code to} until {@code from} ends: its end (FIN) becomes a half-close of {@code to}, its
     * reset a reset of {@code to}; when {@code to} cannot be written any more, {@code from} is reset, as a server
     * writing to a gone client finds out on its next write.
     */
    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        InputStream in;
        OutputStream out;
        try {
            in = from.getInputStream();
            out = to.getOutputStream();
        } catch (IOException e) {
            return;
        }
        while (true) {
            int n;
            try {
                n = in.read(buffer);
            } catch (IOException e) {
                abort(to);
                return;
            }
            if (n < 0) {
                shutdownOutput(to);
                return;
            }
            try {
                out.write(buffer, 0, n);
                out.flush();
            } catch (IOException e) {
                abort(from);
                return;
            }
        }
    }

    /** A new connection to the server, with the proxy's small buffers. */
    private Socket connectUpstream() throws IOException {
        Socket upstream = new Socket();
        sockets.add(upstream);
        try {
            upstream.setReceiveBufferSize(SOCKET_BUFFER); // before connecting: it sets the TCP window
            upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 5_000);
            upstream.setTcpNoDelay(true);
            return upstream;
        } catch (IOException e) {
            closeQuietly(upstream);
            throw e;
        }
    }

    /** Closes a socket of the proxy's for good. */
    private void release(Socket socket) {
        closeQuietly(socket);
        sockets.remove(socket);
    }

    private static void shutdownOutput(Socket socket) {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            // closed already
        }
    }

    /** Closes with a reset (RST), as a broken connection does. */
    private static void abort(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException e) {
            // closed already
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing anyway
        }
    }

    /** Closes the listener and every connection, and stops every thread of the proxy. */
    @Override
    public void close() {
        closeQuietly(listener);
        sockets.forEach(FaultProxy::closeQuietly);
        threads.shutdownNow();
        try {
            if (!threads.awaitTermination(5, TimeUnit.SECONDS)) {
                errors.accept("proxy threads still running 5 s after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
