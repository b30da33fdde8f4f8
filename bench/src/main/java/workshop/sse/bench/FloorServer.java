package workshop.sse.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The floor: the least a broadcaster can do, to measure the stacks against on the same machine in the same run.
 * One thread, one selector, no framework and none of the SPEC beyond what the bench uses: {@code GET
 * /api/broadcast} subscribes, {@code POST /api/broadcast} (with a {@code Content-Length}) numbers the event and
 * makes one write of its frame to each subscriber, then answers 202. A subscriber whose socket cannot take a
 * frame whole is dropped: nothing is queued. No history, presence, heartbeats or limits.
 *
 * <pre>java -cp bench/target/bench.jar workshop.sse.bench.FloorServer [--port N]</pre>
 */
public final class FloorServer implements AutoCloseable {

    private static final byte[] STREAM_HEAD = ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            + "Cache-Control: no-cache\r\nConnection: close\r\n\r\nretry: 3000\n\n").getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_REQUEST = 128 * 1024;

    private final Selector selector = Selector.open();
    private final ServerSocketChannel listener = ServerSocketChannel.open();
    private final Set<SocketChannel> subscribers = new LinkedHashSet<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private long lastId;
    private volatile boolean closing;

    private FloorServer(String host, int port) throws IOException {
        listener.bind(new InetSocketAddress(host, port), 4096);
        listener.configureBlocking(false);
        listener.register(selector, SelectionKey.OP_ACCEPT);
    }

    public static void main(String[] args) throws IOException {
        int port = 0;
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--port")) {
                port = Integer.parseInt(args[i + 1]);
            }
        }
        FloorServer floor = new FloorServer("127.0.0.1", port);
        System.out.println("floor ready: open http://127.0.0.1:" + floor.listener.socket().getLocalPort() + "/");
        System.out.flush();
        floor.loop();
    }

    /** A floor serving on a thread of its own (in a test's JVM); {@link #close} stops it. */
    static FloorServer startInBackground() throws IOException {
        FloorServer floor = new FloorServer("127.0.0.1", 0);
        Thread.ofPlatform().name("floor").daemon().start(() -> {
            try {
                floor.loop();
            } catch (IOException e) {
                System.err.println("floor: " + e);
            }
        });
        return floor;
    }

    int port() {
        return listener.socket().getLocalPort();
    }

    /** Stops the loop, which then closes every connection. */
    @Override
    public void close() {
        closing = true;
        selector.wakeup();
    }

    private void loop() throws IOException {
        try {
            serve();
        } finally {
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
            selector.close();
        }
    }

    private void serve() throws IOException {
        while (!closing) {
            selector.select();
            Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
            while (ready.hasNext()) {
                SelectionKey key = ready.next();
                ready.remove();
                try {
                    if (key.isAcceptable()) {
                        accept();
                    } else if (key.isReadable()) {
                        read(key);
                    }
                } catch (IOException | java.nio.channels.CancelledKeyException e) {
                    drop((SocketChannel) key.channel());
                }
            }
        }
    }

    private void accept() throws IOException {
        for (SocketChannel client = listener.accept(); client != null; client = listener.accept()) {
            client.configureBlocking(false);
            client.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            client.register(selector, SelectionKey.OP_READ, new Request());
        }
    }

    /** A request being read: its bytes so far. */
    private static final class Request {
        byte[] bytes = new byte[1024];
        int length;
        boolean streaming;

        void append(ByteBuffer from) throws IOException {
            int n = from.remaining();
            if (length + n > MAX_REQUEST) {
                throw new IOException("request too large");
            }
            if (length + n > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
            }
            from.get(bytes, length, n);
            length += n;
        }

        /** The index just past the head's blank line, or -1. */
        int headEnd() {
            for (int i = 3; i < length; i++) {
                if (bytes[i] == '\n' && bytes[i - 1] == '\r' && bytes[i - 2] == '\n' && bytes[i - 3] == '\r') {
                    return i + 1;
                }
            }
            return -1;
        }

        void consume(int n) {
            System.arraycopy(bytes, n, bytes, 0, length - n);
            length -= n;
        }
    }

    private void read(SelectionKey key) throws IOException {
        SocketChannel client = (SocketChannel) key.channel();
        Request request = (Request) key.attachment();
        readBuffer.clear();
        int n = client.read(readBuffer);
        if (n < 0) {
            drop(client);
            return;
        }
        if (request.streaming) {
            return; // a subscriber has nothing more to say
        }
        readBuffer.flip();
        request.append(readBuffer);
        for (int end = request.headEnd(); end > 0; end = request.headEnd()) {
            String head = new String(request.bytes, 0, end, StandardCharsets.ISO_8859_1);
            String target = head.substring(0, head.indexOf('\r'));
            int bodyLength = contentLength(head);
            if (request.length < end + bodyLength) {
                return; // the rest of the body is still coming
            }
            if (target.startsWith("GET /api/broadcast")) {
                request.streaming = true;
                client.write(ByteBuffer.wrap(STREAM_HEAD));
                subscribers.add(client);
                return;
            }
            if (target.startsWith("POST /api/broadcast")) {
                String body = new String(request.bytes, end, bodyLength, StandardCharsets.UTF_8);
                answer(client, 202, publish(eventName(target), body));
            } else if (target.startsWith("GET /api/status")) {
                answer(client, 200, "{\"server\":\"floor\",\"streams\":{\"counter\":0,\"broadcast\":"
                        + subscribers.size() + "},\"lastEventId\":" + lastId + "}");
            } else {
                answer(client, 404, "{\"error\":\"The floor serves /api/broadcast only.\"}");
            }
            request.consume(end + bodyLength);
        }
    }

    /** One write of the frame to each subscriber. */
    private String publish(String event, String data) {
        lastId++;
        byte[] frame = ("id: " + lastId + "\nevent: " + event + "\ndata: " + data.replace("\n", "\ndata: ") + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocateDirect(frame.length).put(frame);
        List<SocketChannel> full = new ArrayList<>();
        for (SocketChannel subscriber : subscribers) {
            buffer.rewind();
            try {
                subscriber.write(buffer);
                if (buffer.hasRemaining()) {
                    full.add(subscriber);
                }
            } catch (IOException e) {
                full.add(subscriber);
            }
        }
        full.forEach(this::drop);
        return "{\"id\":" + lastId + ",\"event\":\"" + event + "\",\"subscribers\":" + subscribers.size() + "}";
    }

    private static void answer(SocketChannel client, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.wrap(("HTTP/1.1 " + status + (status < 300 ? " OK" : " Not Found")
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n" + json)
                .getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) { // a short answer on a client that reads its answers: this does not spin
            client.write(out);
        }
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        return 0;
    }

    private static String eventName(String target) {
        int at = target.indexOf("event=");
        if (at < 0) {
            return "message";
        }
        int end = target.indexOf(' ', at);
        String name = target.substring(at + 6, end < 0 ? target.length() : end);
        int amp = name.indexOf('&');
        return amp < 0 ? name : name.substring(0, amp);
    }

    private void drop(SocketChannel client) {
        subscribers.remove(client);
        try {
            client.close();
        } catch (IOException ignored) {
            // closed already
        }
    }
}
