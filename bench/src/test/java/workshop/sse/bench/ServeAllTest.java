package workshop.sse.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
            assertTrue(serve.process.waitFor(STOP.toSeconds(), TimeUnit.SECONDS),
                    "./serve all did not exit after SIGINT: " + serve.lines());
            assertEquals(0, serve.process.exitValue(), () -> "exit code after SIGINT: " + serve.lines());
            servers.forEach((name, process) -> assertFalse(process.isAlive(), name + " still runs"));
            assertTrue(serve.leftBehind().isEmpty(), () -> "left behind: " + serve.leftBehind());
            serve.readerDone();
            for (String name : SERVERS) {
                assertTrue(serve.lines().stream().anyMatch(line -> line.matches("^\\[" + Pattern.quote(name) + "] +"
                        + Pattern.quote(name) + " stopped$")), name + " stopped, prefixed: " + serve.lines());
            }
            assertEquals("serve: all four stopped", serve.lines().getLast());
        }
    }

    @Test
    void aServerWhosePortIsTakenIsReportedAndTheOthersAreStopped() throws Exception {
        int base = freeConsecutivePorts();
        int helidonPort = base + SERVERS.indexOf("helidon");
        try (ServerSocket taken = new ServerSocket(helidonPort, 50, InetAddress.getLoopbackAddress());
             ServeAll serve = ServeAll.start(base)) {
            assertTrue(serve.awaitExit(START), "./serve all did not exit with helidon's port taken: " + serve.lines());
            assertNotEquals(0, serve.process.exitValue(), "exit code with helidon's port taken");
            serve.readerDone();
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

    /** The script and what it started; closing it kills whatever is still running, the script last. */
    private static final class ServeAll implements AutoCloseable {
        final Process process;
        private final int base;
        private final List<String> lines = new ArrayList<>();
        private final Thread reader;
        private final Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet(); // every child, in case the script dies

        private ServeAll(Process process, int base) {
            this.process = process;
            this.base = base;
            this.reader = Thread.ofPlatform().daemon().name("serve-all-output").start(this::read);
        }

        static ServeAll start(int base) throws IOException {
            // a shell's `&` without job control starts its children with SIGINT ignored, and bash cannot trap a
            // signal ignored at its start: reset it, as a terminal has it
            ProcessBuilder builder = new ProcessBuilder("env", "--default-signal=INT", "bash",
                    ROOT.resolve("serve").toString(), "all", "--port", Integer.toString(base))
                    .directory(ROOT.toFile()).redirectErrorStream(true);
            builder.environment().put("SERVE_SKIP_BUILD", "1");
            builder.environment().put("HOST", "127.0.0.1");
            builder.environment().remove("PORT");
            return new ServeAll(builder.start(), base);
        }

        private void read() {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the script is gone
            }
        }

        List<String> lines() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        /** The first line that matches, waiting for it; fails when the script exits or the time is up first. */
        String await(Pattern pattern, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            int next = 0;
            synchronized (lines) {
                while (true) {
                    for (; next < lines.size(); next++) {
                        Matcher matcher = pattern.matcher(lines.get(next));
                        if (matcher.matches()) {
                            return lines.get(next);
                        }
                    }
                    seen.addAll(process.descendants().toList());
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !reader.isAlive()) {
                        return fail("no line " + pattern + " in: " + lines);
                    }
                    lines.wait(Math.min(100, Math.max(1, left / 1_000_000)));
                }
            }
        }

        boolean awaitExit(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (process.isAlive() && System.nanoTime() < deadline) {
                seen.addAll(process.descendants().toList());
                Thread.sleep(20);
            }
            return !process.isAlive();
        }

        /** The script's server processes (the {@code java -jar} ones), by name, in the order of the four. */
        Map<String, ProcessHandle> serverProcesses() {
            Map<String, ProcessHandle> found = new LinkedHashMap<>();
            List<ProcessHandle> children = process.descendants().toList();
            seen.addAll(children);
            for (String name : SERVERS) {
                children.stream().filter(child -> child.info().commandLine().orElse("").contains(name + "-server.jar"))
                        .findFirst().ifPresent(child -> found.put(name, child));
            }
            return found;
        }

        void signal(String signal) throws IOException, InterruptedException {
            seen.addAll(process.descendants().toList());
            new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
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

        /** Waits until the script's last line is read. */
        void readerDone() throws InterruptedException {
            reader.join(STOP.toMillis());
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                seen.addAll(process.descendants().toList());
            }
            List<ProcessHandle> left = leftBehind();
            left.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(STOP.toSeconds(), TimeUnit.SECONDS);
            for (ProcessHandle child : left) {
                try {
                    child.onExit().get(STOP.toSeconds(), TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ignored) {
                    // killed; nothing more to do
                }
            }
        }
    }
}
