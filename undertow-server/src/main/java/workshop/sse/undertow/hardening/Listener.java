package workshop.sse.undertow.hardening;

import io.undertow.Undertow;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;
import org.xnio.ssl.SslConnection;

/**
 * The HTTP listener, started by hand: what {@code Undertow.builder()...build().start()} does for one plain HTTP
 * listener (an XNIO worker, a buffer pool, Undertow's {@link HttpOpenListener} on an accepting socket), or one HTTPS
 * listener with HTTP/2 ({@link Http2OverTls}), with one
 * thing more: {@code onAccept} sees every connection as it is accepted, before Undertow does. A connection that
 * never sends a byte reaches no handler, so this is the only place to hear that it opened ({@link HeadTimeout}).
 */
final class Listener implements AutoCloseable {

    /** As Undertow's builder sizes them: two IO threads at least, eight worker threads per IO thread... */
    private static final int IO_THREADS = Math.max(Runtime.getRuntime().availableProcessors(), 2);
    /** ... and its buffers: 16 KiB less 20 bytes. */
    private static final int BUFFER_SIZE = 16 * 1024 - 20;

    private final XnioWorker worker;
    private final AcceptingChannel<? extends StreamConnection> socket;

    private Listener(XnioWorker worker, AcceptingChannel<? extends StreamConnection> socket) {
        this.worker = worker;
        this.socket = socket;
    }

    /**
     * @param tls null for plain HTTP/1.1; else HTTPS with HTTP/2 by ALPN ({@link Http2OverTls})
     * @param onHttp2 hears of each TLS connection handed to HTTP/2
     */
    static Listener start(String host, int port, SSLContext tls, OptionMap undertowOptions, HttpHandler root,
                          Consumer<StreamConnection> onAccept, Consumer<StreamConnection> onHttp2) {
        XnioWorker worker;
        try {
            worker = Xnio.getInstance(Undertow.class.getClassLoader()).createWorker(OptionMap.builder()
                    .set(Options.WORKER_IO_THREADS, IO_THREADS)
                    .set(Options.CONNECTION_HIGH_WATER, 1_000_000)
                    .set(Options.CONNECTION_LOW_WATER, 1_000_000)
                    .set(Options.WORKER_TASK_CORE_THREADS, IO_THREADS * 8)
                    .set(Options.WORKER_TASK_MAX_THREADS, IO_THREADS * 8)
                    .set(Options.TCP_NODELAY, true)
                    .set(Options.CORK, true)
                    .getMap());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Heap buffers: Undertow frees its pooled direct buffers through sun.misc.Unsafe, which JDK 24 and later
        // warn about on the server's output (four lines, at the first buffer freed under load).
        DefaultByteBufferPool buffers = new DefaultByteBufferPool(false, BUFFER_SIZE, -1, 4);
        HttpOpenListener http = new HttpOpenListener(buffers, undertowOptions);
        http.setRootHandler(root);
        ChannelListener<StreamConnection> protocol = tls == null ? http
                : Http2OverTls.protocols(buffers, undertowOptions, http, root, onHttp2);
        ChannelListener<AcceptingChannel<StreamConnection>> accept = ChannelListeners.openListenerAdapter(
                (StreamConnection connection) -> {
                    onAccept.accept(connection);
                    protocol.handleEvent(connection);
                });
        InetSocketAddress address = new InetSocketAddress(host, port);
        OptionMap socketOptions = OptionMap.builder()
                .set(Options.WORKER_IO_THREADS, worker.getIoThreadCount())
                .set(Options.TCP_NODELAY, true)
                .set(Options.REUSE_ADDRESSES, true)
                .set(Options.BALANCING_TOKENS, 1)
                .set(Options.BALANCING_CONNECTIONS, 2)
                // A deep accept queue: a burst of reconnecting clients overflows the JDK's default of 50.
                .set(Options.BACKLOG, 4096)
                .getMap();
        try {
            AcceptingChannel<? extends StreamConnection> socket = tls == null
                    ? worker.createStreamConnectionServer(address, accept, socketOptions)
                    : Http2OverTls.ssl(worker, tls).createSslConnectionServer(worker, address, widen(accept),
                            socketOptions);
            socket.resumeAccepts();
            return new Listener(worker, socket);
        } catch (IOException | RuntimeException e) {
            worker.shutdownNow();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /** The same accepting listener for a TLS server, whose connections are {@code SslConnection}s. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ChannelListener<AcceptingChannel<SslConnection>> widen(
            ChannelListener<AcceptingChannel<StreamConnection>> accept) {
        return (ChannelListener) accept;
    }

    int port() {
        return socket.getLocalAddress(InetSocketAddress.class).getPort();
    }

    /** Stops accepting, then stops the worker: its IO threads close the connections left, and end. */
    @Override
    public void close() {
        IoUtils.safeClose(socket);
        worker.shutdown();
        try {
            if (!worker.awaitTermination(3, TimeUnit.SECONDS)) { // within the launcher's 4 s to stop
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
