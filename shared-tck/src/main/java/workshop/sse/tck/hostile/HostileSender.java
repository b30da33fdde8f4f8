package workshop.sse.tck.hostile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sends hostile requests, each on its own short-lived socket (SO_TIMEOUT 2 s, a total deadline of 3 s), from a
 * small pool of virtual threads, and tallies the answers by status ("400", "431", ...) or by what happened instead
 * ("closed-without-answer", "reset", "timeout", "not-http", "connect-failed").
 */
public final class HostileSender {

    public static final int SO_TIMEOUT_MS = 2_000;
    public static final int TOTAL_DEADLINE_MS = 3_000;
    /** How many times the usual deadlines a timed-out request gets when it is sent again. */
    private static final int CONFIRMING_PATIENCE = 5;
    private static final String SLOW = "slow, then ";

    private final InetSocketAddress address;
    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> serverErrors = new ConcurrentHashMap<>();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hostile-watchdog");
        t.setDaemon(true);
        return t;
    });

    public HostileSender(String host, int port) {
        this.address = new InetSocketAddress(host, port);
    }

    /** Sends every request from {@code workers} virtual threads; returns when all are done. */
    public void sendAll(List<HostileCorpus.HostileRequest> requests, int workers) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        Thread[] threads = new Thread[workers];
        for (int w = 0; w < workers; w++) {
            threads[w] = Thread.ofVirtual().name("hostile-" + w).start(() -> {
                int i;
                while ((i = next.getAndIncrement()) < requests.size()) {
                    String outcome = confirmedOutcome(requests.get(i));
                    count(outcome);
                    if (isFailure(outcome)) {
                        serverErrors.computeIfAbsent(outcome + " on " + requests.get(i).kind(), k -> new LongAdder())
                                .increment();
                    }
                }
            });
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    /**
     * The request's outcome; a timeout is sent again once, on a new connection and with five times the patience,
     * before it counts. A shared machine can stall a few seconds now and then (the same run takes twice as long on a
     * busy day), and an answer that waits for a second event of the connection (the client's half-close after a
     * body) waits for the server's IO thread twice; a server that hangs on such a request hangs again. An answer the
     * second time counts as "slow, then" that answer, which is no failure.
     */
    private String confirmedOutcome(HostileCorpus.HostileRequest request) {
        String outcome = sendOne(request, 1);
        if (!outcome.equals("timeout")) {
            return outcome;
        }
        String again = sendOne(request, CONFIRMING_PATIENCE);
        return again.equals("timeout") ? "timeout" : SLOW + again;
    }

    /**
     * A server error (5xx other than 501, 503 and 505, which refuse on purpose), a 414 (SPEC 10.3: a head over 8 KiB,
     * the request line included, is 431), no status line within the deadline, or an answer that is not HTTP/1.x:
     * what no request, however bad, should get.
     */
    static boolean isFailure(String outcome) {
        String answer = outcome.startsWith(SLOW) ? outcome.substring(SLOW.length()) : outcome;
        return answer.startsWith("5") && !List.of("501", "503", "505").contains(answer)
                || answer.equals("414") || answer.equals("timeout") || answer.equals("not-http");
    }

    /** One request on its own socket, its deadlines {@code patience} times the usual; the outcome. */
    private String sendOne(HostileCorpus.HostileRequest request, int patience) {
        try (Socket socket = new Socket()) {
            ScheduledFuture<?> kill = watchdog.schedule(() -> closeQuietly(socket), TOTAL_DEADLINE_MS * patience,
                    TimeUnit.MILLISECONDS);
            try {
                try {
                    socket.connect(address, SO_TIMEOUT_MS * patience);
                } catch (IOException e) {
                    return "connect-failed";
                }
                socket.setSoTimeout(SO_TIMEOUT_MS * patience);
                socket.setSoLinger(true, 0); // close with a reset: 10,000 sockets leave no TIME_WAIT behind
                boolean sendFailed = false;
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write(request.bytes());
                    out.flush();
                    if (request.halfClose()) {
                        socket.shutdownOutput();
                    }
                } catch (IOException e) {
                    sendFailed = true; // the server may have answered and closed already: read what came
                }
                String outcome = readStatus(socket);
                return sendFailed && outcome.equals("closed-without-answer") ? "reset" : outcome;
            } finally {
                kill.cancel(false);
            }
        } catch (IOException e) {
            return "reset";
        }
    }

    /** The status of the answer's status line, or what happened instead. */
    public static String readStatus(Socket socket) {
        byte[] line = new byte[256];
        int n = 0;
        try {
            InputStream in = socket.getInputStream();
            while (n < line.length) {
                int b = in.read();
                if (b == -1 || b == '\n') {
                    break;
                }
                line[n++] = (byte) b;
            }
        } catch (SocketTimeoutException e) {
            if (n == 0) {
                return "timeout";
            }
        } catch (SocketException e) {
            if (n == 0) {
                return socket.isClosed() ? "timeout" : "reset"; // closed by the watchdog: the total deadline
            }
        } catch (IOException e) {
            if (n == 0) {
                return "reset";
            }
        }
        if (n == 0) {
            return "closed-without-answer";
        }
        String text = new String(line, 0, n, StandardCharsets.ISO_8859_1);
        if (text.startsWith("HTTP/1.") && text.length() >= 12) {
            String status = text.substring(9, 12);
            if (status.chars().allMatch(Character::isDigit)) {
                return status;
            }
        }
        return "not-http";
    }

    public void count(String outcome) {
        outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    }

    /** Outcomes so far, sorted by name. */
    public Map<String, Long> outcomes() {
        Map<String, Long> sorted = new TreeMap<>();
        outcomes.forEach((k, v) -> sorted.put(k, v.sum()));
        return sorted;
    }

    /** The {@link #isFailure failures}, by request kind. */
    public Map<String, Long> serverErrors() {
        Map<String, Long> sorted = new TreeMap<>();
        serverErrors.forEach((k, v) -> sorted.put(k, v.sum()));
        return sorted;
    }

    public long total() {
        return outcomes.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public void shutdown() {
        watchdog.shutdownNow();
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
