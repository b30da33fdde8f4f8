package workshop.sse.tck;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;

import okhttp3.internal.http2.Header;
import okhttp3.internal.http2.Hpack;
import okio.Buffer;

/**
 * A raw HTTP/2 client on one TLS connection (RFC 9113), for the checks of SPEC section 12 that must see the wire: the
 * server's SETTINGS, every header field of a response (OkHttp drops the connection-specific ones before its caller
 * sees them), a header block of any size, a stream reset, a connection dropped without GOAWAY, and flow control that
 * grants one stream no window at all.
 *
 * <p>A reader thread takes every frame as it comes: it acknowledges SETTINGS and PING, gives back the window of every
 * DATA frame (the connection's once half of it is used; a {@linkplain #open(String, String, boolean, List, byte[])
 * starved} stream's never), and hands each stream's frames to its {@link Http2Stream}. Requests are encoded as HPACK
 * literals without indexing (no table state on the kit's side); responses are decoded with OkHttp's own HPACK decoder.
 */
public final class Http2Wire implements AutoCloseable {

    /** The connection's initial window (RFC 9113, 6.9.2); the kit never widens it. */
    private static final int CONNECTION_WINDOW = 65_535;
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    static final int DATA = 0x0, HEADERS = 0x1, RST_STREAM = 0x3, SETTINGS = 0x4, PING = 0x6, GOAWAY = 0x7,
            WINDOW_UPDATE = 0x8, CONTINUATION = 0x9;
    static final int END_STREAM = 0x1, ACK = 0x1, END_HEADERS = 0x4, PADDED = 0x8, PRIORITY = 0x20;
    static final int SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
    static final int CANCEL = 0x8;

    private final Socket tcp;
    private final SSLSocket tls;
    private final String authority;
    private final OutputStream out;
    private final Map<Integer, Http2Stream> streams = new ConcurrentHashMap<>();
    private final Set<Integer> starved = ConcurrentHashMap.newKeySet();
    /** DATA bytes read whose connection window has not been given back yet (the reader thread's alone). */
    private int connectionUnreturned;
    private final Buffer hpackInput = new Buffer();
    private final Hpack.Reader hpack = new Hpack.Reader(hpackInput, 4096);
    private final CountDownLatch settingsArrived = new CountDownLatch(1);
    private volatile Map<Integer, Long> serverSettings;
    private volatile String ended;
    private int nextStreamId = 1;

    private Http2Wire(Socket tcp, SSLSocket tls, String authority) throws IOException {
        this.tcp = tcp;
        this.tls = tls;
        this.authority = authority;
        this.out = tls.getOutputStream();
        Thread.ofPlatform().daemon().name("http2-wire-reader").start(this::readFrames);
    }

    /**
     * Connects to {@code base} and does the TLS handshake offering {@code h2} and {@code http/1.1}. Returns null (the
     * connection closed) when the server chose anything but {@code h2}; else sends the preface and the kit's SETTINGS.
     */
    public static Http2Wire connect(URI base, KitTls kitTls) throws IOException {
        Socket tcp = new Socket();
        try {
            tcp.connect(new InetSocketAddress(base.getHost(), base.getPort()), (int) RawHttp.ANSWER.toMillis());
            tcp.setTcpNoDelay(true);
            tcp.setSoTimeout((int) RawHttp.ANSWER.toMillis()); // for the handshake; the reader thread then waits on
            SSLSocket tls = kitTls.handshake(tcp, base, List.of("h2", "http/1.1"));
            if (!"h2".equals(tls.getApplicationProtocol())) {
                tls.close();
                return null;
            }
            tcp.setSoTimeout(0);
            Http2Wire wire = new Http2Wire(tcp, tls, base.getHost() + ":" + base.getPort());
            // no server push; the default windows (64 KiB a stream)
            wire.write(concat(PREFACE, frame(SETTINGS, 0, 0, setting(0x2, 0))));
            return wire;
        } catch (IOException | RuntimeException e) {
            tcp.close();
            throw e;
        }
    }

    /** The server's first SETTINGS frame, by identifier (a setting it leaves out has its default). */
    public Map<Integer, Long> serverSettings(Duration within) throws IOException {
        try {
            if (!settingsArrived.await(within.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("the server sent no SETTINGS frame within " + within.toMillis() + " ms"
                        + (ended == null ? "" : " (" + ended + ")"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (serverSettings == null) {
            throw new IOException("the connection ended before the server's SETTINGS: " + ended);
        }
        return serverSettings;
    }

    /** Why the connection ended (GOAWAY, closed, reset), or null while it is open. */
    public String ended() {
        return ended;
    }

    /** A GET with no header fields but the pseudo-header ones. */
    public Http2Stream get(String target) throws IOException {
        return open("GET", target, false, List.of(), null);
    }

    /**
     * Opens a stream: HEADERS with {@code :method}, {@code :scheme}, {@code :authority}, {@code :path} and the given
     * fields ({@code [name, value]}, lower-case names), then the body in one DATA frame, if any.
     *
     * @param starve the kit never gives this stream any window beyond the initial 64 KiB: its client "does not read"
     */
    public synchronized Http2Stream open(String method, String target, boolean starve, List<String[]> fields,
            byte[] body) throws IOException {
        Http2Stream stream = register(method, target, starve);
        write(request(stream.id(), method, target, fields, body));
        stream.sent(System.nanoTime());
        return stream;
    }

    /**
     * A GET whose RST_STREAM CANCEL goes in the same write as its HEADERS, as when a page closes an EventSource the
     * moment it made it: the server hears of the reset while it is still opening the stream.
     */
    public synchronized void getAndReset(String target) throws IOException {
        Http2Stream stream = register("GET", target, false);
        write(concat(request(stream.id(), "GET", target, List.of(), null),
                frame(RST_STREAM, 0, stream.id(), int32(CANCEL))));
        stream.sent(System.nanoTime());
    }

    private Http2Stream register(String method, String target, boolean starve) {
        int id = nextStreamId;
        nextStreamId += 2;
        Http2Stream stream = new Http2Stream(this, id, method + " " + target);
        streams.put(id, stream);
        if (starve) {
            starved.add(id);
        }
        return stream;
    }

    private byte[] request(int id, String method, String target, List<String[]> fields, byte[] body) {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        // pseudo-header names from HPACK's static table, as every browser sends them: Helidon 4.5 refuses them spelled
        // out ("explicit value instead of indexed"), which RFC 7541 allows
        literal(block, 2, method);
        literal(block, 7, "https");
        literal(block, 1, authority);
        literal(block, 4, target);
        for (String[] field : fields) {
            literal(block, field[0], field[1]);
        }
        boolean hasBody = body != null && body.length > 0;
        if (hasBody) {
            literal(block, "content-length", String.valueOf(body.length));
        }
        byte[] headers = headerFrames(id, block.toByteArray(), !hasBody);
        return hasBody ? concat(headers, frame(DATA, END_STREAM, id, body)) : headers;
    }

    /** Resets a stream (RST_STREAM CANCEL), as a browser does when a page closes one EventSource. */
    void reset(int streamId) throws IOException {
        write(frame(RST_STREAM, 0, streamId, int32(CANCEL)));
    }

    /** Gives a starved stream its window at last (16 MiB), so that it can read what the server still sends it. */
    void grant(int streamId) throws IOException {
        starved.remove(streamId);
        write(frame(WINDOW_UPDATE, 0, streamId, int32(16 * 1024 * 1024)));
    }

    /** Closes the connection politely: GOAWAY, then TLS close_notify, then TCP. */
    @Override
    public void close() {
        try {
            write(frame(GOAWAY, 0, 0, concat(int32(nextStreamId), int32(0))));
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            tls.close();
        } catch (IOException ignored) {
            // closed anyway
        }
    }

    /**
     * Drops the connection as a vanished client does: no GOAWAY, no close_notify, a TCP reset (SO_LINGER 0) of the
     * socket under TLS.
     */
    public void abort() {
        try {
            tcp.setSoLinger(true, 0);
            tcp.close();
        } catch (IOException ignored) {
            // gone either way
        }
    }

    // ---- the reader thread

    private void readFrames() {
        String why;
        try {
            DataInputStream in = new DataInputStream(tls.getInputStream());
            ByteArrayOutputStream headerBlock = null;
            int headerStream = 0;
            boolean headerEnd = false;
            while (true) {
                int length = (in.readUnsignedShort() << 8) | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                int streamId = in.readInt() & 0x7fffffff;
                byte[] payload = in.readNBytes(length);
                if (payload.length < length) {
                    throw new EOFException("the connection ended in the middle of a frame");
                }
                switch (type) {
                    case SETTINGS -> {
                        if ((flags & ACK) == 0) {
                            settings(payload);
                            write(frame(SETTINGS, ACK, 0, new byte[0]));
                        }
                    }
                    case PING -> {
                        if ((flags & ACK) == 0) {
                            write(frame(PING, ACK, 0, payload));
                        }
                    }
                    case GOAWAY -> {
                        ByteArrayOutputStream debug = new ByteArrayOutputStream();
                        debug.write(payload, Math.min(8, payload.length), Math.max(0, payload.length - 8));
                        int code = payload.length >= 8 ? readInt32(payload, 4) : -1;
                        int lastStream = payload.length >= 4 ? readInt32(payload, 0) & 0x7fffffff : 0;
                        goAway("GOAWAY " + errorName(code) + " (last stream " + lastStream + ")"
                                + (debug.size() == 0 ? "" : ": " + Printable.of(debug.toByteArray())), lastStream);
                    }
                    case RST_STREAM -> stream(streamId).reset(payload.length >= 4 ? readInt32(payload, 0) : -1);
                    case HEADERS -> {
                        headerBlock = new ByteArrayOutputStream();
                        headerStream = streamId;
                        headerEnd = (flags & END_STREAM) != 0;
                        int start = 0;
                        int padding = 0;
                        if ((flags & PADDED) != 0) {
                            padding = payload[0] & 0xff;
                            start = 1;
                        }
                        if ((flags & PRIORITY) != 0) {
                            start += 5;
                        }
                        headerBlock.write(payload, start, payload.length - start - padding);
                        if ((flags & END_HEADERS) != 0) {
                            headers(headerStream, headerBlock.toByteArray(), headerEnd);
                            headerBlock = null;
                        }
                    }
                    case CONTINUATION -> {
                        if (headerBlock == null || streamId != headerStream) {
                            throw new IOException("a CONTINUATION frame without its HEADERS");
                        }
                        headerBlock.write(payload);
                        if ((flags & END_HEADERS) != 0) {
                            headers(headerStream, headerBlock.toByteArray(), headerEnd);
                            headerBlock = null;
                        }
                    }
                    case DATA -> {
                        int start = 0;
                        int padding = 0;
                        if ((flags & PADDED) != 0) {
                            padding = payload[0] & 0xff;
                            start = 1;
                        }
                        byte[] data = java.util.Arrays.copyOfRange(payload, start, payload.length - padding);
                        if (length > 0) {
                            // A stream's window comes back frame by frame, but for a starved stream's, which never
                            // does. The connection's comes back once half of it is used, as OkHttp and browsers do:
                            // Helidon 4.5's count of it can dip below zero for a moment under many writers, and
                            // then takes a small WINDOW_UPDATE for an overflow (GOAWAY "Window size too big").
                            connectionUnreturned += length;
                            byte[] connectionUpdate = new byte[0];
                            if (connectionUnreturned >= CONNECTION_WINDOW / 2) {
                                connectionUpdate = frame(WINDOW_UPDATE, 0, 0, int32(connectionUnreturned));
                                connectionUnreturned = 0;
                            }
                            byte[] update = starved.contains(streamId) ? connectionUpdate
                                    : concat(connectionUpdate, frame(WINDOW_UPDATE, 0, streamId, int32(length)));
                            if (update.length > 0) {
                                write(update);
                            }
                        }
                        stream(streamId).data(data, (flags & END_STREAM) != 0);
                    }
                    default -> {
                        // PRIORITY, WINDOW_UPDATE, PUSH_PROMISE (refused in SETTINGS), unknown: nothing to do
                    }
                }
            }
        } catch (EOFException e) {
            why = "the server closed the connection";
        } catch (IOException e) {
            why = "the connection failed: " + e.getMessage();
        }
        goAway(why, 0);
        settingsArrived.countDown();
    }

    private void settings(byte[] payload) {
        Map<Integer, Long> settings = new LinkedHashMap<>();
        for (int i = 0; i + 6 <= payload.length; i += 6) {
            int id = ((payload[i] & 0xff) << 8) | (payload[i + 1] & 0xff);
            settings.put(id, readInt32(payload, i + 2) & 0xffffffffL);
        }
        if (serverSettings == null) {
            serverSettings = Map.copyOf(settings);
            settingsArrived.countDown();
        }
    }

    private void headers(int streamId, byte[] block, boolean endStream) throws IOException {
        hpackInput.write(block);
        hpack.readHeaders();
        List<String[]> fields = hpack.getAndResetHeaderList().stream()
                .map((Header h) -> new String[] {h.name.utf8(), h.value.utf8()}).toList();
        stream(streamId).headers(fields, endStream);
    }

    /** The connection ended: every stream above {@code lastStream} will get nothing more. */
    private void goAway(String why, int lastStream) {
        if (ended == null) {
            ended = why;
        }
        streams.forEach((id, stream) -> {
            if (id > lastStream) {
                stream.connectionEnded(why);
            }
        });
    }

    private Http2Stream stream(int id) {
        Http2Stream stream = streams.get(id);
        return stream != null ? stream : new Http2Stream(this, id, "stream " + id); // one the kit forgot: ignored
    }

    // ---- frames

    private synchronized void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    private static byte[] headerFrames(int streamId, byte[] block, boolean endStream) {
        int maxFrame = 16_384; // the default SETTINGS_MAX_FRAME_SIZE, which every server accepts
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        int offset = 0;
        do {
            int length = Math.min(maxFrame, block.length - offset);
            boolean last = offset + length == block.length;
            byte[] fragment = java.util.Arrays.copyOfRange(block, offset, offset + length);
            int flags = (last ? END_HEADERS : 0) | (offset == 0 && endStream ? END_STREAM : 0);
            frames.writeBytes(frame(offset == 0 ? HEADERS : CONTINUATION, flags, streamId, fragment));
            offset += length;
        } while (offset < block.length);
        return frames.toByteArray();
    }

    static byte[] frame(int type, int flags, int streamId, byte[] payload) {
        byte[] frame = new byte[9 + payload.length];
        frame[0] = (byte) (payload.length >>> 16);
        frame[1] = (byte) (payload.length >>> 8);
        frame[2] = (byte) payload.length;
        frame[3] = (byte) type;
        frame[4] = (byte) flags;
        System.arraycopy(int32(streamId), 0, frame, 5, 4);
        System.arraycopy(payload, 0, frame, 9, payload.length);
        return frame;
    }

    private static byte[] setting(int id, long value) {
        return concat(new byte[] {(byte) (id >>> 8), (byte) id}, int32((int) value));
    }

    /** An HPACK "literal header field without indexing" whose name is entry {@code index} of the static table. */
    private static void literal(ByteArrayOutputStream block, int index, String value) {
        block.write(index); // 0000 and a 4-bit index: the static table's pseudo-header names are 1 to 7
        string(block, value.getBytes(StandardCharsets.UTF_8));
    }

    /** An HPACK "literal header field without indexing, new name", neither string Huffman-coded. */
    private static void literal(ByteArrayOutputStream block, String name, String value) {
        block.write(0x00);
        string(block, name.getBytes(StandardCharsets.UTF_8));
        string(block, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void string(ByteArrayOutputStream block, byte[] bytes) {
        // HPACK integer with a 7-bit prefix (RFC 7541 5.1); the H bit stays 0
        int length = bytes.length;
        if (length < 127) {
            block.write(length);
        } else {
            block.write(127);
            length -= 127;
            while (length >= 128) {
                block.write((length & 0x7f) | 0x80);
                length >>>= 7;
            }
            block.write(length);
        }
        block.writeBytes(bytes);
    }

    static byte[] int32(int value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    private static int readInt32(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xff) << 24) | ((bytes[offset + 1] & 0xff) << 16) | ((bytes[offset + 2] & 0xff) << 8)
                | (bytes[offset + 3] & 0xff);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** The name of an HTTP/2 error code (RFC 9113 section 7). */
    static String errorName(int code) {
        List<String> names = List.of("NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR",
                "SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL",
                "COMPRESSION_ERROR", "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED");
        return code >= 0 && code < names.size() ? names.get(code) : "error " + code;
    }
}
