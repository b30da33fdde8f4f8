package workshop.sse.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * How a server fans one publish out to many streams: opens N broadcast streams from one thread (non-blocking
 * sockets, so the client itself parks no thread per stream), publishes events one at a time, and times how long
 * each takes to reach every stream. With {@code --pid} it also reads the server's resident memory.
 *
 * <pre>java -cp shared-tck/target/shared-tck.jar:shared-tck/target/lib/* workshop.sse.bench.FanOutBenchmark \
 *     http://127.0.0.1:8080 --streams 10000 --events 50 --pid 12345</pre>
 */
public final class FanOutBenchmark {

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args.length > 0 && !args[0].startsWith("--") ? args[0] : "http://127.0.0.1:8080");
        int streams = intFlag(args, "--streams", 10_000);
        int events = intFlag(args, "--events", 50);
        long pid = intFlag(args, "--pid", 0);
        new FanOutBenchmark(base, streams, events, pid).run();
    }

    private static int intFlag(String[] args, String name, int fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }

    /** One stream's reading state: how many events ("id: " lines) it has seen. */
    private static final class Reader {
        final ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        int events;
        String tail = "";
    }

    private final URI base;
    private final int streams;
    private final int events;
    private final long pid;
    private final HttpClient http = HttpClient.newHttpClient();

    private FanOutBenchmark(URI base, int streams, int events, long pid) {
        this.base = base;
        this.streams = streams;
        this.events = events;
        this.pid = pid;
    }

    private void run() throws Exception {
        String host = base.getHost();
        int port = base.getPort() < 0 ? 80 : base.getPort();
        printMemory("idle");
        try (Selector selector = Selector.open()) {
            List<SocketChannel> channels = new ArrayList<>();
            long openStart = System.nanoTime();
            byte[] request = ("GET /api/broadcast HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < streams; i++) {
                SocketChannel channel = SocketChannel.open(new InetSocketAddress(host, port));
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.write(ByteBuffer.wrap(request));
                channel.configureBlocking(false);
                channel.register(selector, SelectionKey.OP_READ, new Reader());
                channels.add(channel);
                drain(selector); // keep reading while opening: an unread stream makes the server hold its output
            }
            waitForSubscribers(selector, streams, Duration.ofSeconds(60));
            double openSeconds = (System.nanoTime() - openStart) / 1e9;
            System.out.printf("opened %d broadcast streams in %.1f s%n", streams, openSeconds);
            printMemory("with " + streams + " streams");

            long[] fanOutMicros = new long[events];
            for (int e = 0; e < events; e++) {
                long start = System.nanoTime();
                publish("benchmark event " + e);
                awaitEverywhere(selector, e + 1, Duration.ofSeconds(30));
                fanOutMicros[e] = (System.nanoTime() - start) / 1000;
            }
            Arrays.sort(fanOutMicros);
            System.out.printf("fan-out of one publish to all %d streams: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d events)%n",
                    streams, fanOutMicros[events / 2] / 1000.0, fanOutMicros[Math.min(events - 1, events * 99 / 100)] / 1000.0,
                    fanOutMicros[events - 1] / 1000.0, events);
            printMemory("after the events");
            for (SocketChannel channel : channels) {
                channel.close();
            }
        }
    }

    private void waitForSubscribers(Selector selector, int expected, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            drain(selector);
            String status = http.send(HttpRequest.newBuilder(base.resolve("/api/status")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (status.contains("\"broadcast\":" + expected)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the server did not report " + expected + " broadcast streams in time");
    }

    private void publish(String text) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(base.resolve("/api/broadcast?event=bench"))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(text)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 202) {
            throw new IllegalStateException("publish answered " + answer.statusCode() + ": " + answer.body());
        }
    }

    /** Reads whatever has arrived, without waiting. */
    private static void drain(Selector selector) throws IOException {
        selector.selectNow();
        Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
        while (ready.hasNext()) {
            SelectionKey key = ready.next();
            ready.remove();
            read((SocketChannel) key.channel(), (Reader) key.attachment());
        }
    }

    /** Reads every stream until each has seen {@code count} events. */
    private static void awaitEverywhere(Selector selector, int count, Duration limit) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        int behind = selector.keys().size();
        while (behind > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(behind + " streams did not get event " + count + " in time");
            }
            selector.select(100);
            Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
            while (ready.hasNext()) {
                SelectionKey key = ready.next();
                ready.remove();
                read((SocketChannel) key.channel(), (Reader) key.attachment());
            }
            behind = 0;
            for (SelectionKey key : selector.keys()) {
                if (((Reader) key.attachment()).events < count) {
                    behind++;
                }
            }
        }
    }

    private static void read(SocketChannel channel, Reader reader) throws IOException {
        reader.buffer.clear();
        int n = channel.read(reader.buffer);
        if (n < 0) {
            throw new IllegalStateException("the server closed a stream");
        }
        String text = reader.tail + new String(reader.buffer.array(), 0, n, StandardCharsets.ISO_8859_1);
        int from = 0;
        int at;
        while ((at = text.indexOf("\nid:", from)) >= 0) {
            reader.events++;
            from = at + 4;
        }
        reader.tail = text.substring(Math.max(from, text.length() - 4)); // keep enough to find a split "\nid:"
    }

    private void printMemory(String when) throws IOException, InterruptedException {
        if (pid <= 0) {
            return;
        }
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        new ProcessBuilder(jcmd, Long.toString(pid), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        Process heap = new ProcessBuilder(jcmd, Long.toString(pid), "GC.heap_info").redirectErrorStream(true).start();
        for (String line : new String(heap.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            if (line.contains("total") && line.contains("used")) {
                System.out.printf("server heap after a full GC, %s: %s%n", when, line.trim());
                break;
            }
        }
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:") || line.startsWith("Threads:")) {
                System.out.printf("server %s, %s: %s%n", line.substring(0, line.indexOf(':')), when,
                        line.substring(line.indexOf(':') + 1).trim());
            }
        }
    }
}
