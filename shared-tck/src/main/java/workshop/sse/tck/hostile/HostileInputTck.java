package workshop.sse.tck.hostile;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import workshop.sse.tck.RawHttp;
import workshop.sse.tck.RawResponse;
import workshop.sse.tck.ServerUnderTest;
import workshop.sse.tck.TckBase;

/**
 * SPEC 10.6: "No request, however malformed or slow, may stop the server or disturb another client's stream." Throws
 * {@link HostileCorpus} (10,000 requests, fixed seed) and a few {@link SlowDrip}s at one server while
 * {@link NumberedEvents} watches, then checks that every request got an answer or a closed connection (never a 5xx,
 * a 414, a hang or a non-HTTP reply), the server still works, the subscriber missed nothing, and no threads or file
 * descriptors {@link Leaks leaked}.
 *
 * <p>Before counting threads and descriptors, a warm-up burst (another seed) lets the server's pools reach their
 * working size, so that pool growth is not taken for a leak, while a real leak (per request) still shows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
public abstract class HostileInputTck {

    public static final int CORPUS_SIZE = 10_000;
    public static final int WORKERS = 48;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ServerUnderTest server;
    private URI base;

    /** Starts the server under test in this JVM, as {@code SseServerTck#startServer} does. */
    protected abstract ServerUnderTest startServer(Map<String, String> settings) throws Exception;

    /** The kit's settings, with room for the corpus's streams and a longer history for the subscriber. */
    public static Map<String, String> hostileSettings() {
        Map<String, String> settings = new LinkedHashMap<>(TckBase.kitSettings());
        settings.put("HISTORY_SIZE", "50");
        settings.put("MAX_STREAMS", "64");
        return settings;
    }

    @BeforeAll
    final void start() throws Exception {
        server = startServer(hostileSettings());
        URI uri = server.baseUri();
        base = URI.create("http://" + uri.getHost() + ":" + uri.getPort() + "/");
    }

    @AfterAll
    final void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("10.6 HTTP hygiene: 10,000 hostile requests and a few slow drips stop nothing, disturb no stream, leak"
            + " nothing")
    void hostileInput() throws Exception {
        long started = System.nanoTime();
        String name = statusJson().path("server").asText("?");
        List<String> problems = new ArrayList<>();
        try (NumberedEvents witness = NumberedEvents.start(base)) {
            warmUp();
            Leaks leaks = Leaks.before();

            HostileSender sender = new HostileSender(base.getHost(), base.getPort());
            long corpusStart = System.nanoTime();
            Map<String, String> drips = sendWithDrips(sender);
            long corpusMs = (System.nanoTime() - corpusStart) / 1_000_000;

            problems.addAll(serverStillAnswers());
            String lastPublish = witness.stopPublishing();
            if (lastPublish != null) {
                problems.add(lastPublish);
            }
            problems.addAll(witness.verdict());
            if (!sender.serverErrors().isEmpty()) {
                problems.add("server errors, 414s, timeouts or non-HTTP answers, by request kind: "
                        + sender.serverErrors());
            }
            problems.addAll(leaks.after());
            if (!problems.isEmpty()) {
                leaks.printNewThreads();
            }

            String answers = sender.outcomes().entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .map(e -> e.getKey() + "×" + e.getValue()).collect(Collectors.joining(" "));
            System.out.println("[hostile] " + name + ": sent " + sender.total() + " requests in " + corpusMs + " ms ("
                    + answers + ") + " + drips.size() + " slow drips " + drips + "; " + witness.summary() + "; "
                    + leaks.summary() + "; test took " + (System.nanoTime() - started) / 1_000_000 + " ms"
                    + (problems.isEmpty() ? "; PASS" : "; FAIL: " + problems));
        }
        if (!problems.isEmpty()) {
            fail(name + " under hostile input: " + String.join("; ", problems));
        }
    }

    /** Another seed's requests, not counted, so that the server's pools reach their working size first. */
    private void warmUp() throws InterruptedException {
        HostileSender warm = new HostileSender(base.getHost(), base.getPort());
        warm.sendAll(HostileCorpus.generate(HostileCorpus.SEED + 1, 500), WORKERS);
        warm.shutdown();
        Thread.sleep(1_000);
    }

    /** The corpus, with every slow drip alongside; the drips' outcomes. */
    private Map<String, String> sendWithDrips(HostileSender sender) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        Map<String, String> outcomes = Collections.synchronizedMap(new TreeMap<>());
        for (SlowDrip drip : SlowDrip.values()) {
            threads.add(Thread.ofVirtual().name("hostile-drip-" + drip).start(
                    () -> outcomes.put(drip.name(), drip.run(base))));
        }
        sender.sendAll(HostileCorpus.generate(HostileCorpus.SEED, CORPUS_SIZE), WORKERS);
        for (Thread t : threads) {
            t.join();
        }
        Thread.sleep(200);
        sender.shutdown();
        return outcomes;
    }

    private List<String> serverStillAnswers() {
        try {
            int status = rawGet("/api/status").status();
            return status == 200 ? List.of() : List.of("GET /api/status after the run answered " + status);
        } catch (IOException e) {
            return List.of("GET /api/status after the run failed: " + e);
        }
    }

    private RawResponse rawGet(String target) throws IOException {
        try (RawHttp conn = RawHttp.connect(base)) {
            conn.send(conn.head("GET", target, "Connection: close"));
            return conn.readResponse(false, RawHttp.ANSWER);
        }
    }

    private JsonNode statusJson() throws Exception {
        long until = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                RawResponse r = rawGet("/api/status");
                if (r.status() == 200) {
                    return JSON.readTree(r.body());
                }
            } catch (IOException e) {
                // not up yet
            }
            if (System.nanoTime() > until) {
                fail("the server at " + base + " does not answer GET /api/status 200");
            }
            Thread.sleep(100);
        }
    }
}
