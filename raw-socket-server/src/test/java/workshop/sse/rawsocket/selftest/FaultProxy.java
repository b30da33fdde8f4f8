package workshop.sse.rawsocket.selftest;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A TCP proxy on 127.0.0.1 in front of a real server, one upstream connection for each client connection. Without a
 * fault it passes bytes both ways as they are, and a close, a half-close or a reset on one side to the other, so the
 * kit sees the server itself. With a {@link Fault}, each connection goes through a {@link FaultyConnection}, which
 * reads the HTTP and lets the fault change it.
 */
final class FaultProxy implements AutoCloseable {

    /**
     * Socket buffers of the proxy's own connections: small, so that a client that stops reading is felt upstream
     * about as soon as it would be without the proxy (the kit's non-reading client asks for 4 KiB).
     */
    static final int SOCKET_BUFFER = 4 * 1024;

    private final int upstreamPort;
    private final Fault fault;
    private final Consumer<String> errors;
    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Map<String, JsonNode> kept = new ConcurrentHashMap<>();

    private FaultProxy(int upstreamPort, Fault fault, Consumer<String> errors) throws IOException {
        this.upstreamPort = upstreamPort;
        this.fault = fault;
        this.errors = errors;
        this.listener = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
    }

    /**
     * @param fault  null for none: every byte passes unchanged
     * @param errors told what went wrong in the proxy itself (never what a client or the server did)
     */
    static FaultProxy start(int upstreamPort, Fault fault, Consumer<String> errors) throws IOException {
        FaultProxy proxy = new FaultProxy(upstreamPort, fault, errors);
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
            if (fault == null) {
                threads.execute(() -> passThrough(client));
            } else {
                threads.execute(new FaultyConnection(this, fault, client)::run);
            }
        }
    }

    /** Stops taking connections (what a server whose accept loop died looks like); those open go on. */
    void stopAccepting() {
        closeQuietly(listener);
    }

    // ---- without a fault: bytes both ways, as they are

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

    // ---- for FaultyConnection and the faults

    /** A new connection to the server, with the proxy's small buffers. */
    Socket connectUpstream() throws IOException {
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

    /** Sends a request of the proxy's own to the server, and returns the answer's status line. */
    String sendUpstream(String request) throws IOException {
        Socket upstream = connectUpstream();
        try {
            upstream.setSoTimeout(5_000);
            upstream.getOutputStream().write(request.getBytes(ISO_8859_1));
            Wire.Head head = Wire.readHead(upstream.getInputStream());
            return head == null ? "(no answer)" : Wire.lines(head.bytes()).get(0);
        } finally {
            release(upstream);
        }
    }

    /** The first {@code value} a fault kept under {@code key} on this proxy: what a broken server read once. */
    JsonNode firstKept(String key, JsonNode value) {
        return kept.computeIfAbsent(key, k -> value.deepCopy());
    }

    /** Runs {@code task} on a thread of the proxy's, stopped when the proxy is. */
    Future<?> submit(Runnable task) {
        return threads.submit(task);
    }

    <T> Future<T> submit(Callable<T> task) {
        return threads.submit(task);
    }

    /** Something went wrong in the proxy itself: the self-test reports it, as it must not be mistaken for a catch. */
    void error(String what, Throwable e) {
        errors.accept(what + ": " + e);
    }

    /** Closes a socket of the proxy's for good. */
    void release(Socket socket) {
        closeQuietly(socket);
        sockets.remove(socket);
    }

    static void shutdownOutput(Socket socket) {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            // closed already
        }
    }

    /** Closes with a reset (RST), as a broken connection does. */
    static void abort(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException e) {
            // closed already
        }
        closeQuietly(socket);
    }

    static void closeQuietly(AutoCloseable closeable) {
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
