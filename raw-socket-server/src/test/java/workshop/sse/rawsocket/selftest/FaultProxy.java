package workshop.sse.rawsocket.selftest;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.IOException;
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
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import workshop.sse.tck.Relay;

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
        Relay.closeQuietly(listener);
    }

    // ---- without a fault: bytes both ways, as they are

    private void passThrough(Socket client) {
        Socket upstream;
        try {
            upstream = connectUpstream();
        } catch (IOException e) {
            Relay.abort(client); // as the server's refusal would look
            return;
        }
        Relay.bothWays(client, upstream, threads, () -> {
            release(client);
            release(upstream);
        });
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
            Relay.closeQuietly(upstream);
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
        Relay.closeQuietly(socket);
        sockets.remove(socket);
    }

    /** Closes the listener and every connection, and stops every thread of the proxy. */
    @Override
    public void close() {
        Relay.closeQuietly(listener);
        sockets.forEach(Relay::closeQuietly);
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
