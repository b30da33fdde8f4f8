package workshop.sse.helidon.hardening;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.spi.ServerConnection;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Drops a client's RST_STREAM for a stream Helidon has already finished and forgotten, before Helidon reads it.
 *
 * <p>Why: a stream ends on both sides at about the same time (the server ends it after an error answer, the client
 * cancels it), so a reset for a closed stream is normal HTTP/2 (RFC 9113, 5.1: it must be ignored). Helidon 4.5.0
 * looks such a stream up, does not find it, takes it for an idle stream and, when a later stream is open, fails the
 * whole connection with a PROTOCOL_ERROR GOAWAY: every other stream of the page is cut. The connection's reader is
 * wrapped to hand Helidon one frame (or piece of one) at a time, so each decision is taken after Helidon has
 * handled every frame before it; Helidon's own stream table is read by reflection (its jars are on the class path).
 * Without the fields (another Helidon version), every frame passes as it came.
 */
public final class LateResets implements Supplier<byte[]> {

    private static final int PREFACE_BYTES = 24; // "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
    private static final int FRAME_HEAD_BYTES = 9;
    private static final int RST_STREAM = 0x3;
    private static final int HEADERS = 0x1;
    private static final int PUSH_PROMISE = 0x5;
    private static final int CONTINUATION = 0x9;
    private static final int END_HEADERS = 0x4;

    private static final Field LAST_STREAM_ID = field("io.helidon.webserver.http2.Http2Connection", "lastStreamId");
    private static final Field STREAMS = field("io.helidon.webserver.http2.Http2Connection", "streams");
    private static final Method STREAM = method("io.helidon.webserver.http2.Http2ConnectionStreams", "get");

    private final DataReader source;
    private ServerConnection connection;
    private int prefaceLeft = PREFACE_BYTES;
    private int payloadLeft;
    private boolean inHeaderBlock; // a reset inside a header block is the client's error: Helidon answers it

    private LateResets(DataReader source) {
        this.source = source;
    }

    /** The HTTP/2 connection {@code open} makes, reading its input through the filter. */
    public static ServerConnection filter(ConnectionContext ctx, Function<ConnectionContext, ServerConnection> open) {
        if (LAST_STREAM_ID == null || STREAMS == null || STREAM == null) {
            return open.apply(ctx);
        }
        LateResets filter = new LateResets(ctx.dataReader());
        ServerConnection connection = open.apply(new Filtered(ctx, DataReader.create(filter)));
        filter.connection = connection;
        return connection;
    }

    @Override
    public byte[] get() {
        if (prefaceLeft > 0) {
            byte[] bytes = some(prefaceLeft);
            prefaceLeft -= bytes.length;
            return bytes;
        }
        while (payloadLeft == 0) {
            byte[] head = source.readBytes(FRAME_HEAD_BYTES);
            int length = (head[0] & 0xFF) << 16 | (head[1] & 0xFF) << 8 | head[2] & 0xFF;
            int type = head[3] & 0xFF;
            int streamId = ((head[5] & 0x7F) << 24) | (head[6] & 0xFF) << 16 | (head[7] & 0xFF) << 8 | head[8] & 0xFF;
            if (type == RST_STREAM && length == 4 && !inHeaderBlock && forgotten(streamId)) {
                source.readBytes(4);
                continue;
            }
            if (type == HEADERS || type == PUSH_PROMISE || type == CONTINUATION) {
                inHeaderBlock = (head[4] & END_HEADERS) == 0;
            }
            payloadLeft = length;
            return head;
        }
        byte[] payload = some(payloadLeft);
        payloadLeft -= payload.length;
        return payload;
    }

    /** Up to {@code max} bytes: what has arrived, or the next read's worth. */
    private byte[] some(int max) {
        source.ensureAvailable();
        return source.readBytes(Math.min(max, source.available()));
    }

    /** A stream Helidon opened (its id is below the last one it saw) and no longer holds. */
    private boolean forgotten(int streamId) {
        try {
            int last = LAST_STREAM_ID.getInt(connection);
            return streamId % 2 == 1 && streamId < last && STREAM.invoke(STREAMS.get(connection), streamId) == null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    private static Field field(String type, String name) {
        try {
            Field field = Class.forName(type).getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Method method(String type, String name) {
        try {
            Method method = Class.forName(type).getDeclaredMethod(name, int.class);
            method.setAccessible(true);
            return method;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** The connection's context, but for its reader. */
    private record Filtered(ConnectionContext ctx, DataReader dataReader) implements ConnectionContext {

        @Override
        public ListenerContext listenerContext() {
            return ctx.listenerContext();
        }

        @Override
        public ExecutorService executor() {
            return ctx.executor();
        }

        @Override
        public DataWriter dataWriter() {
            return ctx.dataWriter();
        }

        @Override
        public Router router() {
            return ctx.router();
        }

        @Override
        public Optional<ProxyProtocolData> proxyProtocolData() {
            return ctx.proxyProtocolData();
        }

        @Override
        public HelidonSocket serverSocket() {
            return ctx.serverSocket();
        }

        @Override
        public PeerInfo remotePeer() {
            return ctx.remotePeer();
        }

        @Override
        public PeerInfo localPeer() {
            return ctx.localPeer();
        }

        @Override
        public boolean isSecure() {
            return ctx.isSecure();
        }

        @Override
        public String socketId() {
            return ctx.socketId();
        }

        @Override
        public String childSocketId() {
            return ctx.childSocketId();
        }
    }
}
