package workshop.sse.tck.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The witness tells a stall of the machine (one late answer to a publish) from a server that keeps a client waiting
 * (several) or stopped (no answer). Against a small broadcast server whose answers to chosen publishes come late
 * or never; its events reach the subscriber at once, so only the answers differ.
 */
class NumberedEventsTest {

    private static final Duration ANSWER = Duration.ofMillis(300);
    private static final long LATE_MS = 2 * ANSWER.toMillis(); // late, yet within the witness's patience

    @Test
    void oneLateAnswerIsAStallOfTheMachineNotAFailure() throws Exception {
        List<String> problems = witness(Set.of(3), Set.of());
        assertEquals(List.of(), problems);
    }

    @Test
    void moreLateAnswersThanAStallExplainsFail() throws Exception {
        List<String> problems = witness(Set.of(3, 4, 5), Set.of());
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("3 publishes were answered later than 300 ms"), problems.get(0));
    }

    @Test
    void aPublishNeverAnsweredFails() throws Exception {
        List<String> problems = witness(Set.of(), Set.of(3));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("publish 3 failed")), problems.toString());
    }

    /** Runs the witness for a moment against the fake; the problems its verdict finds. */
    private static List<String> witness(Set<Integer> lateAnswers, Set<Integer> neverAnswered) throws Exception {
        try (FakeBroadcast server = new FakeBroadcast(lateAnswers, neverAnswered);
             NumberedEvents witness = NumberedEvents.start(server.base(), ANSWER)) {
            Thread.sleep(200 + LATE_MS * lateAnswers.size() + ANSWER.toMillis() * 5 * neverAnswered.size());
            String lastPublish = witness.stopPublishing();
            List<String> problems = new ArrayList<>(witness.verdict());
            if (lastPublish != null) {
                problems.add(lastPublish);
            }
            return problems;
        }
    }

    /** GET /api/broadcast streams every event; POST numbers one, sends it, and answers 202 (late, or never). */
    private static final class FakeBroadcast implements AutoCloseable {

        private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<OutputStream> subscribers = new CopyOnWriteArrayList<>();
        private final List<Socket> held = new CopyOnWriteArrayList<>();
        private final AtomicInteger publishes = new AtomicInteger();
        private final Set<Integer> lateAnswers;
        private final Set<Integer> neverAnswered;

        FakeBroadcast(Set<Integer> lateAnswers, Set<Integer> neverAnswered) throws IOException {
            this.lateAnswers = lateAnswers;
            this.neverAnswered = neverAnswered;
            Thread.ofPlatform().daemon().start(this::accept);
        }

        URI base() {
            return URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/");
        }

        private void accept() {
            while (!listener.isClosed()) {
                try {
                    Socket socket = listener.accept();
                    held.add(socket);
                    Thread.ofPlatform().daemon().start(() -> serve(socket));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket socket) {
            try {
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8));
                String requestLine = in.readLine();
                int length = 0;
                for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                in.skip(length);
                OutputStream out = socket.getOutputStream();
                if (requestLine.startsWith("GET")) {
                    write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\r\n");
                    subscribers.add(out);
                } else {
                    publish(out);
                }
            } catch (IOException | InterruptedException e) {
                // the client went, or the test ended
            }
        }

        private synchronized int numberAndSend() throws IOException {
            int n = publishes.incrementAndGet();
            for (OutputStream subscriber : subscribers) {
                write(subscriber, "id: " + n + "\nevent: " + NumberedEvents.EVENT + "\ndata: x\n\n");
            }
            return n;
        }

        private void publish(OutputStream out) throws IOException, InterruptedException {
            int n = numberAndSend();
            if (neverAnswered.contains(n)) {
                return; // the connection stays open, silent
            }
            if (lateAnswers.contains(n)) {
                Thread.sleep(LATE_MS);
            }
            String json = "{\"id\":" + n + "}";
            write(out, "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: " + json.length()
                    + "\r\nConnection: close\r\n\r\n" + json);
        }

        private static void write(OutputStream out, String text) throws IOException {
            synchronized (out) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket socket : held) {
                socket.close();
            }
        }
    }
}
