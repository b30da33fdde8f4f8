package workshop.sse.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import workshop.sse.tck.KitTls;
import workshop.sse.tck.ServerProcess;

/**
 * {@code ./serve all} as a workshop runs it: the four servers from the jars the reactor built (this module depends on
 * them, so they are built first; {@code SERVE_SKIP_BUILD=1} keeps the script from building again), on four
 * consecutive free ports, every line prefixed by its server's name; Ctrl-C (SIGINT to the script) stops all four,
 * and a server that cannot start stops the others. Whatever happens, the test leaves no server behind.
 */
class ServeAllTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final List<String> SERVERS = List.of("javalin", "undertow", "helidon", "raw-socket");
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration STOP = Duration.ofSeconds(20);

    @BeforeAll
    static void jarsAreBuilt() {
        for (String name : SERVERS) {
            Path jar = ROOT.resolve(name + "-server/target/" + name + "-server.jar");
            assertTrue(Files.isRegularFile(jar), jar + " is missing: run this test through the reactor (-pl bench -am)");
        }
    }

    @Test
    void theFourStartPrefixedAnswerAsThemselvesAndCtrlCStopsThemAll() throws Exception {
        int base = freeConsecutivePorts();
        try (ServeAll serve = ServeAll.start(base)) {
            int column = -1;
            for (int i = 0; i < SERVERS.size(); i++) {
                String name = SERVERS.get(i);
                String ready = serve.await(Pattern.compile("^\\[" + Pattern.quote(name) + "] +" + Pattern.quote(name)
                        + " ready: open http://127\\.0\\.0\\.1:" + (base + i) + "/.*"), START);
                int at = ready.indexOf(name + " ready");
                assertTrue(column < 0 || at == column, "the prefixes are not aligned: " + serve.lines());
                column = at;
            }
            serve.await(Pattern.compile("^serve: all four ready: open http://localhost:" + base
                    + "/compare\\.html\\?servers=http://localhost:" + base + ",.*"), START);

            Map<String, ProcessHandle> servers = serve.serverProcesses();
            assertEquals(SERVERS, List.copyOf(servers.keySet()), "the script's server processes");
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < SERVERS.size(); i++) {
                HttpResponse<String> status = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + (base + i) + "/api/status")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(SERVERS.get(i), new ObjectMapper().readTree(status.body()).path("server").asText(),
                        "the server on port " + (base + i));
            }

            serve.signal("INT");
            assertEquals(Optional.of(0), serve.awaitExit(STOP), () -> "exit code after SIGINT: " + serve.lines());
            servers.forEach((name, process) -> assertFalse(process.isAlive(), name + " still runs"));
            assertTrue(serve.leftBehind().isEmpty(), () -> "left behind: " + serve.leftBehind());
            for (String name : SERVERS) {
                assertTrue(serve.lines().stream().anyMatch(line -> line.matches("^\\[" + Pattern.quote(name) + "] +"
                        + Pattern.quote(name) + " stopped$")), name + " stopped, prefixed: " + serve.lines());
            }
            assertEquals("serve: all four stopped", serve.lines().getLast());
        }
    }

    @Test
    void withTlsTheFourServeHttpsWithOneCertificateAndTheCompareUrlIsHttps() throws Exception {
        int base = freeConsecutivePorts();
        try (ServeAll serve = ServeAll.start(base, "--tls")) {
            String shared = fingerprintIn(serve.await(Pattern.compile("^serve: the four share a .*"), START));
            for (int i = 0; i < SERVERS.size(); i++) {
                String name = SERVERS.get(i);
                String ready = serve.await(Pattern.compile("^\\[" + Pattern.quote(name) + "] +" + Pattern.quote(name)
                        + " ready: open https://127\\.0\\.0\\.1:" + (base + i) + "/ .*"), START);
                assertEquals(shared, fingerprintIn(ready), name + "'s certificate, in its ready line: " + ready);
                // the certificate the server presents is the one its line names; HTTP/2 where the stack has it
                URI uri = URI.create("https://127.0.0.1:" + (base + i) + "/");
                try (SSLSocket tls = KitTls.insecure().handshake(new Socket("127.0.0.1", base + i), uri,
                        List.of("h2", "http/1.1"))) {
                    assertEquals(shared, fingerprintOf(tls.getSession().getPeerCertificates()[0]),
                            name + "'s presented certificate");
                    assertEquals(name.equals("raw-socket") ? "http/1.1" : "h2", tls.getApplicationProtocol(),
                            name + "'s ALPN choice");
                }
            }
            String https = "https://localhost:";
            serve.await(Pattern.compile("^serve: all four ready: open " + Pattern.quote(https + base
                    + "/compare.html?servers=" + https + base + "," + https + (base + 1) + "," + https + (base + 2)
                    + "," + https + (base + 3)) + "  .*"), START);
            serve.signal("INT");
            assertEquals(Optional.of(0), serve.awaitExit(STOP), () -> "exit code after SIGINT: " + serve.lines());
            assertTrue(serve.leftBehind().isEmpty(), () -> "left behind: " + serve.leftBehind());
        }
    }

    /** The fingerprint a line names: {@code certificate SHA-256 AB:...:EF}. */
    private static String fingerprintIn(String line) {
        Matcher m = Pattern.compile("certificate SHA-256 ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})").matcher(line);
        assertTrue(m.find(), "no certificate fingerprint in: " + line);
        return m.group(1);
    }

    private static String fingerprintOf(Certificate certificate) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    }

    @Test
    void aServerWhosePortIsTakenIsReportedAndTheOthersAreStopped() throws Exception {
        int base = freeConsecutivePorts();
        int helidonPort = base + SERVERS.indexOf("helidon");
        try (ServerSocket taken = new ServerSocket(helidonPort, 50, InetAddress.getLoopbackAddress());
             ServeAll serve = ServeAll.start(base)) {
            Optional<Integer> exit = serve.awaitExit(START);
            assertTrue(exit.isPresent(), () -> "./serve all did not exit with helidon's port taken: " + serve.lines());
            assertNotEquals(0, exit.get(), "exit code with helidon's port taken");
            assertTrue(serve.lines().stream().anyMatch(line -> line.matches(
                    "^\\[helidon] +helidon: cannot start on 127\\.0\\.0\\.1:" + helidonPort + ": .*")),
                    "helidon's error line, prefixed: " + serve.lines());
            assertTrue(serve.lines().contains("serve: helidon did not start (see its lines above); stopping the others"),
                    "the script's line: " + serve.lines());
            assertTrue(serve.leftBehind().isEmpty(), () -> "left behind: " + serve.leftBehind());
        }
    }

    /** Four consecutive ports of the loopback that are free now (the script takes N to N+3). */
    private static int freeConsecutivePorts() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(20_000, 60_000);
            List<ServerSocket> probes = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    ServerSocket probe = new ServerSocket();
                    probes.add(probe);
                    probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), base + i));
                }
                return base;
            } catch (IOException taken) {
                // try another
            } finally {
                for (ServerSocket probe : probes) {
                    probe.close();
                }
            }
        }
        throw new IOException("no four consecutive free ports found");
    }

    /** The script and what it started; closing it kills whatever is still running. */
    private static final class ServeAll implements AutoCloseable {
        final ServerProcess script;
        private final int base;
        private final Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet(); // every child, in case the script dies

        private ServeAll(ServerProcess script, int base) {
            this.script = script;
            this.base = base;
            Thread.ofPlatform().daemon().name("serve-all-children").start(() -> {
                while (script.handle().isAlive()) {
                    script.handle().descendants().forEach(seen::add);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        static ServeAll start(int base, String... more) throws IOException {
            // a shell's `&` without job control starts its children with SIGINT ignored, and bash cannot trap a
            // signal ignored at its start: reset it, as a terminal has it
            List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT", "bash",
                    ROOT.resolve("serve").toString(), "all", "--port", Integer.toString(base)));
            command.addAll(List.of(more));
            return new ServeAll(ServerProcess.start(command, Map.of("SERVE_SKIP_BUILD", "1", "HOST", "127.0.0.1")), base);
        }

        /** The line that matches, waiting for it. */
        String await(Pattern pattern, Duration timeout) throws InterruptedException {
            return script.awaitLine(pattern, timeout).map(Matcher::group)
                    .orElseGet(() -> fail("no line " + pattern + " in: " + lines()));
        }

        Optional<Integer> awaitExit(Duration timeout) throws InterruptedException {
            return script.awaitExit(timeout);
        }

        List<String> lines() {
            return script.lines();
        }

        /** The script's server processes (the {@code java -jar} ones), by name, in the order of the four. */
        Map<String, ProcessHandle> serverProcesses() {
            Map<String, ProcessHandle> found = new LinkedHashMap<>();
            List<ProcessHandle> children = script.handle().descendants().toList();
            for (String name : SERVERS) {
                children.stream().filter(child -> child.info().commandLine().orElse("").contains(name + "-server.jar"))
                        .findFirst().ifPresent(child -> found.put(name, child));
            }
            return found;
        }

        void signal(String signal) throws IOException, InterruptedException {
            new ProcessBuilder("kill", "-" + signal, Long.toString(script.handle().pid())).inheritIO().start().waitFor();
        }

        /** Every child of the script still running, and any process serving one of its four ports. */
        List<ProcessHandle> leftBehind() {
            List<ProcessHandle> alive = new ArrayList<>(seen.stream().filter(ProcessHandle::isAlive).toList());
            ProcessHandle.allProcesses().filter(p -> {
                String command = p.info().commandLine().orElse("");
                for (int i = 0; i < SERVERS.size(); i++) {
                    if (command.contains(SERVERS.get(i) + "-server.jar --port " + (base + i))) {
                        return true;
                    }
                }
                return false;
            }).filter(p -> !alive.contains(p)).forEach(alive::add);
            return alive;
        }

        @Override
        public void close() throws InterruptedException {
            script.handle().descendants().forEach(seen::add);
            List<ProcessHandle> left = leftBehind();
            left.forEach(ProcessHandle::destroyForcibly);
            script.close();
            for (ProcessHandle child : left) {
                try {
                    child.onExit().get(STOP.toSeconds(), TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException ignored) {
                    // killed; nothing more to do
                }
            }
        }
    }
}
