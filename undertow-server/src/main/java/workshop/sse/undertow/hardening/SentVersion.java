package workshop.sse.undertow.hardening;

import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.AbstractServerConnection;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import org.xnio.StreamConnection;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitReadableByteChannel;
import org.xnio.conduits.Conduits;
import org.xnio.conduits.StreamSourceConduit;

/**
 * The HTTP version a request was sent with. Undertow's parser ({@code RequestParser.parseVersion}) checks that the
 * version is {@code HTTP/<digit>.<digit>}, keeps 0.9, 1.0, 1.1 and 2.0, and takes any other for HTTP/1.1 (only a
 * trace line says so): by the time a handler runs, {@code HTTP/3.0} cannot be told from {@code HTTP/1.1}.
 *
 * <p>So every connection's bytes pass through this conduit, put under Undertow's reading as the connection is
 * accepted, and it keeps the last bytes of each request line: the version (Undertow's parser has checked its form,
 * and it ends the line). A head starts where its connection does, or where the previous exchange ended; what
 * Undertow has read of it by then (a pipelined request) waits in the connection's extra bytes, and is looked at
 * when that exchange ends.
 */
final class SentVersion extends AbstractStreamSourceConduit<StreamSourceConduit> {

    private static final int LENGTH = "HTTP/1.1".length();

    /** The line's last bytes so far, a ring; looking until the line's CR. */
    private final byte[] last = new byte[LENGTH];
    private int seen;
    private boolean looking = true;

    private SentVersion(StreamSourceConduit next) {
        super(next);
    }

    /** From the listener, before Undertow takes the connection (which keeps this conduit as its original one). */
    static void install(StreamConnection connection) {
        connection.getSourceChannel().setConduit(new SentVersion(connection.getSourceChannel().getConduit()));
    }

    /** Around the handlers: once an exchange ends, its connection's next head starts. */
    static HttpHandler wrap(HttpHandler next) {
        return exchange -> {
            SentVersion tap = tap(exchange);
            if (tap != null) {
                exchange.addExchangeCompleteListener((done, nextListener) -> {
                    tap.nextHead(((AbstractServerConnection) done.getConnection()).getExtraBytes());
                    nextListener.proceed();
                });
            }
            next.handleRequest(exchange);
        };
    }

    /** The version as sent ({@code HTTP/3.0}), or as Undertow parsed it when this conduit did not see it. */
    static String of(HttpServerExchange exchange) {
        SentVersion tap = tap(exchange);
        String sent = tap == null ? null : tap.version();
        return sent != null ? sent : exchange.getProtocol().toString();
    }

    private static SentVersion tap(HttpServerExchange exchange) {
        return exchange.getConnection() instanceof AbstractServerConnection connection
                && connection.getOriginalSourceConduit() instanceof SentVersion tap ? tap : null;
    }

    private synchronized String version() {
        if (looking || seen < LENGTH) {
            return null;
        }
        byte[] version = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            version[i] = last[(seen + i) % LENGTH];
        }
        return new String(version, StandardCharsets.US_ASCII);
    }

    /** A new head starts: with the bytes already read past the previous one, if any. */
    private synchronized void nextHead(PooledByteBuffer readAhead) {
        looking = true;
        seen = 0;
        if (readAhead != null) {
            ByteBuffer bytes = readAhead.getBuffer();
            see(bytes, bytes.position(), bytes.limit());
        }
    }

    private synchronized void see(ByteBuffer bytes, int from, int to) {
        for (int i = from; i < to && looking; i++) {
            byte b = bytes.get(i);
            if (b == '\r' || b == '\n') {
                looking = false;
            } else {
                last[seen++ % LENGTH] = b;
            }
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int from = dst.position();
        int n = next.read(dst);
        if (n > 0) {
            see(dst, from, from + n);
        }
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
        int[] from = new int[len];
        for (int i = 0; i < len; i++) {
            from[i] = dsts[offs + i].position();
        }
        long n = next.read(dsts, offs, len);
        for (int i = 0; i < len && n > 0; i++) {
            see(dsts[offs + i], from[i], dsts[offs + i].position());
        }
        return n;
    }

    // Undertow reads heads with read(): these two only move bodies, but through read() too, so that none escapes.

    @Override
    public long transferTo(long position, long count, FileChannel target) throws IOException {
        return target.transferFrom(new ConduitReadableByteChannel(this), position, count);
    }

    @Override
    public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
        return Conduits.transfer(this, count, throughBuffer, target);
    }
}
