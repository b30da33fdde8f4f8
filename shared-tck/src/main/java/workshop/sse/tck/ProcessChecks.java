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
        assumeLaunchNotCheckedElsewhere();
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
        assumeLaunchNotCheckedElsewhere();
        assertStopsWithOneLine("REDIS_URL", url, alsoNamed);
    }

    /** Started with {@code setting=value}, the server exits non-zero with one line naming the setting and more. */
    private void assertStopsWithOneLine(String setting, String value, String alsoNamed) throws Exception {
        assertStopsWithOneLine(Map.of(setting, value), List.of(setting, alsoNamed), List.of());
    }

    /**
     * Started with {@code settings} added to the kit's, the server exits non-zero with one line that names each of
     * {@code allNamed} and at least one of {@code anyNamed} (when not empty).
     */
    private void assertStopsWithOneLine(Map<String, String> settings, List<String> allNamed, List<String> anyNamed)
            throws Exception {
        Map<String, String> environment = new LinkedHashMap<>(withExtraSettings(kitSettings()));
        environment.putAll(settings);
        try (ServerProcess server = ServerProcess.start(command(), environment)) {
            Optional<Integer> exit = server.awaitExit(START);
            assertTrue(exit.isPresent(), () -> "with " + settings + " the server still runs after "
                    + START.toSeconds() + " s; output: " + server.output());
            assertNotEquals(0, exit.get(), () -> "exit code with " + settings);
            List<String> lines = server.lines();
            for (String named : allNamed) {
                assertTrue(lines.stream().anyMatch(line -> names(line, named)), () -> "no line names " + named
                        + "; output: " + server.output());
            }
            assertTrue(anyNamed.isEmpty() || lines.stream().anyMatch(line -> anyNamed.stream()
                    .anyMatch(named -> names(line, named))), () -> "no line names any of " + anyNamed + "; output: "
                    + server.output());
            assertTrue(lines.stream().noneMatch(line -> line.matches("\\s+at [\\w$.]+\\(.*\\)")),
                    () -> "a stack trace is not one clear line; output: " + server.output());
            assertEquals(1, lines.stream().filter(line -> !line.isBlank()).count(),
                    () -> "exactly one line, naming the setting; output: " + server.output());
        }
    }

    private static boolean names(String line, String setting) {
        return line.toUpperCase(Locale.ROOT).contains(setting.toUpperCase(Locale.ROOT));
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
        try (ServerProcess server = ServerProcess.start(command(), withExtraSettings(kitSettings()))) {
            URI uri = awaitReady(server);
            // ready means ready: the first request right after the line is answered
            try (RawHttp conn = connect(uri)) {
                RawResponse status = conn.exchange(conn.head("GET", "/api/status"));
                assertEquals(200, status.status(), () -> "GET /api/status right after the ready line: " + status.describe());
            }
        }
    }

    @Test
    @DisplayName("1.1 running: with no settings but PORT=0, /api/status reports the defaults (retry 3000 ms, heartbeat"
            + " 15000 ms, 10000 streams, a history of 1000)")
    default void defaultsApplyWhenNothingIsSet() throws Exception {
        assumeLaunchNotCheckedElsewhere();
        try (ServerProcess server = ServerProcess.start(command(), withExtraSettings(Map.of("PORT", "0")))) {
            URI uri = awaitReady(server);
            try (RawHttp conn = connect(uri)) {
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
        assumeLaunchNotCheckedElsewhere();
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        List<String> command = withArguments(command(), "--port", String.valueOf(port), "--host", "127.0.0.1");
        Map<String, String> environment = new LinkedHashMap<>(withExtraSettings(kitSettings()));
        environment.put("HOST", "0.0.0.0"); // the flags win over both
        try (ServerProcess server = ServerProcess.start(command, environment)) {
            URI uri = awaitReady(server);
            assertEquals(port, uri.getPort(), () -> "the ready line names the port of --port; output: "
                    + server.output());
            try (RawHttp conn = connect(uri)) {
                assertEquals(200, conn.exchange(conn.head("GET", "/api/status")).status());
            }
        }
    }

    @Test
    @DisplayName("1.4 running: on SIGTERM the server closes every open stream and exits 0 within 5 seconds")
    default void sigtermClosesStreamsAndExits() throws Exception {
        try (ServerProcess server = ServerProcess.start(command(), withExtraSettings(kitSettings()))) {
            URI uri = awaitReady(server);
            try (RawSseStream counter = RawSseStream.open(connect(uri), "GET", COUNTER_IDLE);
                 RawSseStream broadcast = RawSseStream.open(connect(uri), "GET", BROADCAST)) {
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
        assumeLaunchNotCheckedElsewhere();
        Map<String, String> environment = new LinkedHashMap<>(withExtraSettings(kitSettings()));
        environment.put("ALLOWED_ORIGINS", "http://one.test:*,http://two.test:8080");
        try (ServerProcess server = ServerProcess.start(command(), environment)) {
            URI uri = awaitReady(server);
            List<String> wrong = new java.util.ArrayList<>();
            originsForTheSetting().forEach(arguments -> {
                String origin = (String) arguments.get()[0];
                boolean allowed = (Boolean) arguments.get()[1];
                try (RawHttp conn = connect(uri)) {
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

    // ---- 12 HTTPS and HTTP/2: start-up, the ready line, and the log of vanished HTTP/2 clients

    static Stream<Arguments> badTlsSettings() throws IOException {
        java.nio.file.Path notPem = java.nio.file.Files.createTempFile("kit-not-pem", ".pem");
        java.nio.file.Files.writeString(notPem, "this is not a PEM file\n");
        notPem.toFile().deleteOnExit();
        String missing = "/nonexistent/kit-" + System.nanoTime() + ".pem";
        List<String> thePair = List.of("TLS_CERT", "TLS_KEY");
        return Stream.of(
                arguments("TLS=maybe", Map.of("TLS", "maybe"), List.of("TLS")),
                arguments("TLS_CERT without TLS_KEY", Map.of("TLS_CERT", notPem.toString()), thePair),
                arguments("TLS_KEY without TLS_CERT", Map.of("TLS_KEY", notPem.toString()), thePair),
                arguments("TLS_CERT and TLS_KEY naming files that do not exist",
                        Map.of("TLS_CERT", missing, "TLS_KEY", missing), thePair),
                arguments("TLS_CERT and TLS_KEY naming a file that is not PEM",
                        Map.of("TLS_CERT", notPem.toString(), "TLS_KEY", notPem.toString()), thePair));
    }

    @ParameterizedTest(name = "{0}", quoteTextArguments = false)
    @MethodSource("badTlsSettings")
    @DisplayName("12.1, 1.2 running: a bad TLS setting (an unknown TLS value, half of the TLS_CERT + TLS_KEY pair, a"
            + " missing or non-PEM file) stops the server at start with exactly one line naming it (non-zero exit)")
    default void badTlsSettingStopsTheServer(String what, Map<String, String> settings, List<String> anyNamed)
            throws Exception {
        assumeLaunchNotCheckedElsewhere();
        assertStopsWithOneLine(settings, List.of(), anyNamed);
    }

    /** SPEC 12.2: the fingerprint as the ready line names it. */
    Pattern FINGERPRINT = Pattern.compile("SHA-256 ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})(?![0-9A-Fa-f:])");

    @Test
    @DisplayName("12.2, 12.1 running: with TLS=self-signed the ready line's URL is https and names the SHA-256"
            + " fingerprint of the certificate the server presents (made for localhost and 127.0.0.1); the port"
            + " serves HTTPS only")
    default void tlsReadyLineNamesTheFingerprint() throws Exception {
        assumeLaunchNotCheckedElsewhere();
        Map<String, String> environment = new LinkedHashMap<>(kitSettings());
        environment.put("TLS", "self-signed");
        try (ServerProcess server = ServerProcess.start(command(), environment)) {
            URI uri = awaitReady(server);
            String ready = server.lines().stream().filter(line -> line.contains(uri.getHost() + ":" + uri.getPort()))
                    .findFirst().orElseThrow();
            assertEquals("https", uri.getScheme(), () -> "with TLS=self-signed the ready line's URL: " + ready);
            Matcher named = FINGERPRINT.matcher(ready);
            assertTrue(named.find(), () -> "the ready line names no fingerprint as SHA-256 AB:CD:... (32 upper-case"
                    + " hex pairs): " + ready);
            try (javax.net.ssl.SSLSocket tls = TlsProbe.handshake(uri, List.of())) {
                java.security.cert.X509Certificate presented =
                        (java.security.cert.X509Certificate) tls.getSession().getPeerCertificates()[0];
                assertEquals(TlsProbe.sha256Fingerprint(presented), named.group(1),
                        "the SHA-256 fingerprint of the certificate the server presents, and the one its ready line"
                                + " names");
                List<String> names = presented.getSubjectAlternativeNames() == null ? List.of()
                        : presented.getSubjectAlternativeNames().stream().map(name -> String.valueOf(name.get(1)))
                                .toList();
                assertTrue(names.containsAll(List.of("localhost", "127.0.0.1")), () -> "the self-signed certificate"
                        + " is for " + names + ", not for localhost and 127.0.0.1");
                // ready means ready, over TLS
                String answer = TlsProbe.http11(tls, uri, "/api/status", RawHttp.ANSWER);
                assertTrue(answer.startsWith("HTTP/1.1 200 "), () -> "GET /api/status over TLS right after the ready"
                        + " line: " + Printable.of(answer.lines().findFirst().orElse("")));
            }
            // HTTPS only: a plain HTTP request on the port is not served
            try (java.net.Socket plain = TlsProbe.tcp(uri)) {
                plain.getOutputStream().write(("GET /api/status HTTP/1.1\r\nHost: " + uri.getHost() + "\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                byte[] answer = new byte[64];
                int n;
                try {
                    n = plain.getInputStream().readNBytes(answer, 0, answer.length);
                } catch (IOException e) {
                    n = 0; // reset: not served
                }
                String text = new String(answer, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
                assertTrue(!text.startsWith("HTTP/1.1 200"), () -> "plain HTTP on the HTTPS port was served: "
                        + Printable.of(text));
            }
        }
    }

    @Test
    @DisplayName("12.8 running: over HTTP/2, a stream its client resets and a connection that drops without a GOAWAY"
            + " are freed and leave at most one line each in the server's log")
    default void vanishedHttp2ClientsLeaveAtMostALineEach() throws Exception {
        assumeLaunchNotCheckedElsewhere();
        Map<String, String> environment = new LinkedHashMap<>(kitSettings());
        environment.put("TLS", "self-signed");
        try (ServerProcess server = ServerProcess.start(command(), environment)) {
            URI uri = awaitReady(server);
            int linesAtReady = server.lines().size();
            try (Http2Wire resetting = Http2Wire.connect(uri, TlsProbe.TRUST_ANY)) {
                Assumptions.assumeTrue(resetting != null, "the server speaks HTTP/1.1 over TLS (12.3 allows it):"
                        + " this is a check of HTTP/2");
                Http2Stream reset = resetting.get("/api/counter?interval=100");
                expectFirstFrame(reset);
                reset.reset();
                Http2Wire dropping = Http2Wire.connect(uri, TlsProbe.TRUST_ANY);
                try {
                    expectFirstFrame(dropping.get("/api/counter?interval=100"));
                    expectFirstFrame(dropping.get(BROADCAST));
                } finally {
                    dropping.abort();
                }
                long dropped = System.nanoTime();
                // the launched server runs with the kit's HEARTBEAT_MS: 2 × 500 + 1000 ms to notice
                Duration bound = Duration.ofMillis(2 * Long.parseLong(kitSettings().get("HEARTBEAT_MS")) + 1_000);
                try {
                    Eventually.eventually(bound.plusMillis(250), () -> {
                        JsonNode status = JSON.readTree(resetting.get("/api/status").body(RawHttp.ANSWER));
                        assertEquals(0, status.path("streams").path("counter").asInt()
                                + status.path("streams").path("broadcast").asInt(), () -> "open streams: " + status);
                    });
                } catch (AssertionError e) {
                    throw new AssertionError("the streams of a reset and of a dropped HTTP/2 connection were not freed"
                            + " within " + bound.toMillis() + " ms: " + e.getMessage(), e);
                }
                // a log flood shows in the next moment too
                Eventually.sleep(bound.minusMillis(millisSince(dropped)).plus(bound));
            }
            List<String> logged = server.lines().subList(linesAtReady, server.lines().size());
            assertTrue(logged.size() <= 2, () -> "a reset stream and a dropped connection left " + logged.size()
                    + " lines in the server's log (SPEC: at most one each): "
                    + String.join(" ⏎ ", logged.subList(0, Math.min(10, logged.size()))));
        }
    }

    private static void expectFirstFrame(Http2Stream stream) throws IOException {
        Http2Stream.Answer answer = stream.answer(RawHttp.ANSWER);
        assertEquals(200, answer.status(), answer::describe);
        SseFrame first = stream.next(RawHttp.ANSWER);
        assertTrue(first != null && first.has("retry"), () -> "first frame over h2: " + first);
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
