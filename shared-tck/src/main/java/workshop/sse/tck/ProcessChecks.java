package workshop.sse.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static workshop.sse.tck.Eventually.millisSince;
import static workshop.sse.tck.TckBase.kitSettings;

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

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SPEC "Running": start-up and shutdown, checked on a server process of its own, started with
 * {@link #serverProcessCommand()} (the server test's {@link SseServerTck#launchCommand()}) and the settings as
 * environment variables.
 */
public interface ProcessChecks extends TckContext {

    /** How long a JVM (or anything else) may take to start and say it is ready. */
    Duration START = Duration.ofSeconds(30);
    Duration SIGTERM_BOUND = Duration.ofSeconds(5);
    Pattern URL = Pattern.compile("https?://[^\\s\"'<>]+");

    private List<String> command() {
        List<String> command = serverProcessCommand();
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
                arguments("MAX_STREAMS", "-1"),
                arguments("HOST", ""),
                arguments("ALLOWED_ORIGINS", "http://*.evil.test"),
                arguments("ALLOWED_ORIGINS", "localhost:8080"));
    }

    @ParameterizedTest(name = "{0}={1}", quoteTextArguments = false)
    @MethodSource("badSettings")
    @DisplayName("1.2 running: a bad setting stops the server at start with exactly one line, naming it (non-zero"
            + " exit, no stack trace)")
    default void badSettingStopsTheServer(String setting, String value) throws Exception {
        assertStopsWithOneLine(setting, value, setting);
    }

    static Stream<Arguments> unusableRedisUrls() {
        return Stream.of(arguments("http://127.0.0.1:6379", "REDIS_URL"), // not a redis:// URL
                arguments("redis://127.0.0.1:1", "127.0.0.1:1")); // nothing answers there
    }

    @ParameterizedTest(name = "REDIS_URL={0}", quoteTextArguments = false)
    @MethodSource("unusableRedisUrls")
    @DisplayName("11.1 running: a REDIS_URL that is malformed, or where no Redis answers, stops the server at start"
            + " with one line naming REDIS_URL and the address (non-zero exit, no stack trace)")
    default void unusableRedisUrlStopsTheServer(String url, String alsoNamed) throws Exception {
        assertStopsWithOneLine("REDIS_URL", url, alsoNamed);
    }

    /** Started with {@code setting=value}, the server exits non-zero with one line naming the setting and more. */
    private void assertStopsWithOneLine(String setting, String value, String alsoNamed) throws Exception {
        Map<String, String> environment = new LinkedHashMap<>(kitSettings());
        environment.put(setting, value);
        try (ServerProcess server = ServerProcess.start(command(), environment)) {
            Optional<Integer> exit = server.awaitExit(START);
            assertTrue(exit.isPresent(), () -> "with " + setting + "=" + value + " the server still runs after "
                    + START.toSeconds() + " s; output: " + server.output());
            assertNotEquals(0, exit.get(), () -> "exit code with " + setting + "=" + value);
            List<String> lines = server.lines();
            for (String named : List.of(setting, alsoNamed)) {
                assertTrue(lines.stream().anyMatch(line -> line.toUpperCase(Locale.ROOT).contains(
                        named.toUpperCase(Locale.ROOT))), () -> "no line names " + named + "; output: " + server.output());
            }
            assertTrue(lines.stream().noneMatch(line -> line.matches("\\s+at [\\w$.]+\\(.*\\)")),
                    () -> "a stack trace is not one clear line; output: " + server.output());
            assertEquals(1, lines.stream().filter(line -> !line.isBlank()).count(),
                    () -> "exactly one line, naming the setting; output: " + server.output());
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
    default void readyLineHasTheUrl() throws Exception {
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
    @DisplayName("1.1 running: with no settings but PORT=0, /api/status reports the defaults (retry 3000 ms, heartbeat"
            + " 15000 ms, 10000 streams, a history of 1000)")
    default void defaultsApplyWhenNothingIsSet() throws Exception {
        try (ServerProcess server = ServerProcess.start(command(), Map.of("PORT", "0"))) {
            URI uri = awaitReady(server);
            try (RawHttp conn = RawHttp.connect(uri)) {
                JsonNode status = conn.exchange(conn.head("GET", "/api/status")).json();
                assertEquals(3000, status.path("config").path("retryMs").asLong(), () -> "retryMs: " + status);
                assertEquals(15000, status.path("config").path("heartbeatMs").asLong(), () -> "heartbeatMs: " + status);
                assertEquals(10000, status.path("config").path("maxStreams").asLong(), () -> "maxStreams: " + status);
                assertEquals(1000, status.path("history").path("capacity").asLong(), () -> "capacity: " + status);
            }
        }
    }

    @Test
    @DisplayName("1.1 running: the flags --port N and --host ADDRESS set where the server listens, and win over PORT"
            + " and HOST")
    default void flagsSetPortAndHostAndWin() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        List<String> command = withArguments(command(), "--port", String.valueOf(port), "--host", "127.0.0.1");
        Map<String, String> environment = new LinkedHashMap<>(kitSettings());
        environment.put("HOST", "0.0.0.0"); // the flags win over both
        try (ServerProcess server = ServerProcess.start(command, environment)) {
            URI uri = awaitReady(server);
            assertEquals(port, uri.getPort(), () -> "the ready line names the port of --port; output: "
                    + server.output());
            try (RawHttp conn = RawHttp.connect(uri)) {
                assertEquals(200, conn.exchange(conn.head("GET", "/api/status")).status());
            }
        }
    }

    @Test
    @DisplayName("1.4 running: on SIGTERM the server closes every open stream and exits 0 within 5 seconds")
    default void sigtermClosesStreamsAndExits() throws Exception {
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
    default void allowedOriginsIsAListOfPatterns() throws Exception {
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

    /** The command with arguments added: to the server's own command line, also when a shell runs it. */
    private static List<String> withArguments(List<String> command, String... arguments) {
        List<String> with = new java.util.ArrayList<>(command);
        if (with.size() == 3 && with.get(0).equals("sh") && with.get(1).equals("-c")) {
            with.set(2, with.get(2) + " " + String.join(" ", arguments));
        } else {
            with.addAll(List.of(arguments));
        }
        return with;
    }

    private static void expectFirstFrame(RawSseStream stream) throws IOException {
        SseFrame first = stream.next(RawHttp.ANSWER);
        assertTrue(first != null && first.has("retry"), () -> "first frame: " + first);
    }
}
