package workshop.sse.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static workshop.sse.tck.Eventually.millisSince;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SPEC "Running": start-up and shutdown, checked on a server process of its own, started with
 * {@link #launchCommand()} and the settings as environment variables.
 */
public abstract class ProcessChecks extends HttpHygieneChecks {

    /** How long a JVM (or anything else) may take to start and say it is ready. */
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration SIGTERM_BOUND = Duration.ofSeconds(5);
    private static final Pattern URL = Pattern.compile("https?://[^\\s\"'<>]+");

    private List<String> command() {
        List<String> command = launchCommand();
        Assumptions.assumeFalse(command.isEmpty(), "no launch command: override launchCommand() (or run"
                + " RunAgainst with --command \"<how to start the server>\")");
        return command;
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(
                arguments("PORT", "abc"),
                arguments("PORT", "70000"),
                arguments("RETRY_MS", "abc"),
                arguments("HEARTBEAT_MS", "-5"),
                arguments("HISTORY_SIZE", "lots"),
                arguments("MAX_STREAMS", "-1"));
    }

    @ParameterizedTest(name = "{0}={1}", quoteTextArguments = false)
    @MethodSource("badSettings")
    @DisplayName("1.2 running: a bad setting stops the server at start with one clear line naming it (non-zero exit, no"
            + " stack trace)")
    void badSettingStopsTheServer(String setting, String value) throws Exception {
        Map<String, String> environment = new LinkedHashMap<>(kitSettings());
        environment.put(setting, value);
        try (ServerProcess server = ServerProcess.start(command(), environment)) {
            Optional<Integer> exit = server.awaitExit(START);
            assertTrue(exit.isPresent(), () -> "with " + setting + "=" + value + " the server still runs after "
                    + START.toSeconds() + " s; output: " + server.output());
            assertNotEquals(0, exit.get(), () -> "exit code with " + setting + "=" + value);
            List<String> lines = server.lines();
            assertTrue(lines.stream().anyMatch(line -> line.toUpperCase(Locale.ROOT).contains(setting)),
                    () -> "no line names " + setting + "; output: " + server.output());
            assertTrue(lines.stream().noneMatch(line -> line.matches("\\s+at [\\w$.]+\\(.*\\)")),
                    () -> "a stack trace is not one clear line; output: " + server.output());
        }
    }

    /** Starts the server process and waits for the line with its URL. */
    private URI awaitReady(ServerProcess server) throws InterruptedException {
        Matcher url = server.awaitLine(URL, START).orElseThrow(() -> new AssertionError(
                "no line with the URL to open within " + START.toSeconds() + " s; output: " + server.output()));
        String text = url.group().replaceAll("[.,;:)\\]]+$", "");
        URI uri = URI.create(text.endsWith("/") ? text : text + "/");
        assertTrue(uri.getPort() > 0, () -> "the ready line must give the port that was bound (PORT=0): " + text);
        return uri;
    }

    @Test
    @DisplayName("1.3 running: the server logs one line when it is ready, with the URL to open")
    void readyLineHasTheUrl() throws Exception {
        try (ServerProcess server = ServerProcess.start(command(), kitSettings())) {
            URI uri = awaitReady(server);
            // ready means ready: the first request right after the line is answered
            try (RawHttp conn = RawHttp.connect(uri)) {
                RawResponse status = conn.exchange(conn.head("GET", "/api/status"));
                assertEquals(200, status.status(), () -> "GET /api/status right after the ready line: " + status.describe());
            }
        }
    }

    @Test
    @DisplayName("1.4 running: on SIGTERM the server closes every open stream and exits 0 within 5 seconds")
    void sigtermClosesStreamsAndExits() throws Exception {
        try (ServerProcess server = ServerProcess.start(command(), kitSettings())) {
            URI uri = awaitReady(server);
            try (RawSseStream counter = RawSseStream.open(uri, "GET", COUNTER_IDLE);
                 RawSseStream broadcast = RawSseStream.open(uri, "GET", BROADCAST)) {
                for (RawSseStream stream : List.of(counter, broadcast)) {
                    assertEquals(200, stream.status(), () -> stream.head().describe());
                    expectFirstFrame(stream);
                }
                long sent = System.nanoTime();
                server.sigterm();
                Duration bound = SIGTERM_BOUND.plusMillis(500);
                try {
                    counter.readToEnd(bound);
                    broadcast.readToEnd(bound.minusMillis(millisSince(sent)).plusMillis(1));
                } catch (AssertionError e) {
                    throw new AssertionError("after SIGTERM: " + e.getMessage() + "; output: " + server.output(), e);
                }
                Optional<Integer> exit = server.awaitExit(bound.minusMillis(millisSince(sent)).plusMillis(1));
                assertTrue(exit.isPresent(), () -> "still running " + millisSince(sent) + " ms after SIGTERM; output: "
                        + server.output());
                assertEquals(0, exit.get(), () -> "exit code after SIGTERM; output: " + server.output());
            }
        }
    }

    static Stream<Arguments> originsForTheSetting() {
        return Stream.of(
                arguments("http://one.test:1234", true),
                arguments("http://one.test", true),
                arguments("http://two.test:8080", true),
                arguments("http://two.test:9090", false),
                arguments("http://two.test", false),
                arguments("http://one.test.evil.test:1234", false),
                arguments("http://xone.test:1234", false),
                arguments("http://localhost:5173", false));
    }

    @Test
    @DisplayName("9.3, 1.1 running: ALLOWED_ORIGINS=http://one.test:*,http://two.test:8080 is a list of patterns; '*' stands"
            + " for a port (or no port), never part of a host; the list replaces the default")
    void allowedOriginsIsAListOfPatterns() throws Exception {
        Map<String, String> environment = new LinkedHashMap<>(kitSettings());
        environment.put("ALLOWED_ORIGINS", "http://one.test:*,http://two.test:8080");
        try (ServerProcess server = ServerProcess.start(command(), environment)) {
            URI uri = awaitReady(server);
            List<String> wrong = new java.util.ArrayList<>();
            originsForTheSetting().forEach(arguments -> {
                String origin = (String) arguments.get()[0];
                boolean allowed = (Boolean) arguments.get()[1];
                try (RawHttp conn = RawHttp.connect(uri)) {
                    HttpHead head = conn.exchange(conn.head("OPTIONS", BROADCAST, "Origin: " + origin,
                            "Access-Control-Request-Method: POST")).head();
                    boolean granted = head.status() == 204
                            && List.of(origin).equals(head.headers("Access-Control-Allow-Origin"));
                    if (granted != allowed || (!allowed && head.status() != 403)) {
                        wrong.add("preflight from " + origin + " should be " + (allowed ? "allowed" : "403")
                                + ", was " + head.describe());
                    }
                } catch (IOException e) {
                    wrong.add(origin + ": " + e.getMessage());
                }
            });
            assertEquals(List.of(), wrong);
        }
    }

    private static void expectFirstFrame(RawSseStream stream) throws IOException {
        SseFrame first = stream.next(RawHttp.ANSWER);
        assertTrue(first != null && first.has("retry"), () -> "first frame: " + first);
    }
}
