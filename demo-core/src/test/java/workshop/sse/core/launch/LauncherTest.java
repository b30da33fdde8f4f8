package workshop.sse.core.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link Launcher#run} ends the JVM, so each case runs it in a child JVM. */
class LauncherTest {

    /** A child JVM's main: {@code ok} starts a server that binds nothing, {@code fail} one that cannot start. */
    public static final class Probe {
        public static void main(String[] args) {
            String mode = args[0];
            String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            Launcher.run("probe", rest, settings -> {
                if (mode.equals("fail")) {
                    throw new IllegalStateException("wrapper", new java.net.BindException("Address already in use"));
                }
                return new Launcher.Running() {
                    @Override
                    public int port() {
                        return settings.port() == 0 ? 4321 : settings.port();
                    }

                    @Override
                    public void close() {
                        System.out.println("probe closing");
                    }
                };
            });
        }
    }

    /** A child JVM with its output read into queues of lines. */
    private static final class Child {
        final Process process;
        final LinkedBlockingQueue<String> out = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<String> err = new LinkedBlockingQueue<>();
        final Thread outReader;
        final Thread errReader;

        Child(Map<String, String> env, String... args) throws IOException {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"),
                    Probe.class.getName()));
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command);
            for (String name : List.of("HOST", "PORT", "RETRY_MS", "HEARTBEAT_MS", "HISTORY_SIZE", "MAX_STREAMS",
                    "ALLOWED_ORIGINS")) {
                builder.environment().remove(name);
            }
            builder.environment().putAll(env);
            process = builder.start();
            outReader = Thread.ofPlatform().daemon().start(() -> pump(process.getInputStream(), out));
            errReader = Thread.ofPlatform().daemon().start(() -> pump(process.getErrorStream(), err));
        }

        private static void pump(InputStream stream, LinkedBlockingQueue<String> lines) {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the child is gone
            }
        }

        int exitCode() throws InterruptedException {
            boolean exited = process.waitFor(10, TimeUnit.SECONDS);
            if (!exited) {
                process.destroyForcibly();
            }
            assertTrue(exited, "the child JVM exited");
            outReader.join(5000);
            errReader.join(5000);
            return process.exitValue();
        }
    }

    @Test
    void badFlagIsOneLineNamingTheSettingAndExit2() throws Exception {
        Child child = new Child(Map.of(), "ok", "--port", "nope");
        assertEquals(2, child.exitCode());
        assertEquals(1, child.err.size(), "one line: " + child.err);
        String line = child.err.peek();
        assertTrue(line.startsWith("probe: bad setting: PORT"), line);
        assertTrue(child.out.stream().noneMatch(l -> l.contains("ready")), "never ready: " + child.out);
    }

    @Test
    void badEnvironmentValueIsOneLineNamingTheSettingAndExit2() throws Exception {
        Child child = new Child(Map.of("HEARTBEAT_MS", "5"), "ok");
        assertEquals(2, child.exitCode());
        assertEquals(1, child.err.size(), "one line: " + child.err);
        assertTrue(child.err.peek().contains("HEARTBEAT_MS"), child.err.peek());
    }

    @Test
    void serverThatCannotStartIsOneLineWithTheRootCauseAndExit1() throws Exception {
        Child child = new Child(Map.of(), "fail", "--port", "9000");
        assertEquals(1, child.exitCode());
        assertEquals(1, child.err.size(), "one line: " + child.err);
        String line = child.err.peek();
        assertTrue(line.contains("cannot start on 127.0.0.1:9000"), line);
        assertTrue(line.contains("Address already in use"), line);
    }

    @Test
    void withTlsTheReadyLineNamesAnHttpsUrlAndTheCertificatesFingerprint() throws Exception {
        Child child = new Child(Map.of("TLS", "self-signed"), "ok", "--port=0");
        String ready = child.out.poll(10, TimeUnit.SECONDS);
        assertNotNull(ready, "no ready line; stderr: " + child.err);
        assertTrue(ready.matches("probe ready: open https://127\\.0\\.0\\.1:4321/  \\(self-signed certificate SHA-256 "
                + "([0-9A-F]{2}:){31}[0-9A-F]{2}; Ctrl-C stops it\\)"), ready);
        assertTrue(child.process.toHandle().destroy(), "SIGTERM sent");
        assertEquals(0, child.exitCode(), "stderr: " + child.err);
    }

    @Test
    void readyLineNamesTheUrlAndSigtermStopsWithExit0() throws Exception {
        Child child = new Child(Map.of("HOST", "0.0.0.0"), "ok", "--port=0");
        String ready = child.out.poll(10, TimeUnit.SECONDS);
        assertNotNull(ready, "no ready line; stderr: " + child.err);
        assertEquals("probe ready: open http://127.0.0.1:4321/  (Ctrl-C stops it)", ready);
        long start = System.nanoTime();
        assertTrue(child.process.toHandle().destroy(), "SIGTERM sent"); // Process.destroy would also close our pipes
        assertEquals(0, child.exitCode(), "stderr: " + child.err);
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 5, "stopped within 5 seconds");
        assertEquals(List.of("probe closing", "probe stopped"), List.copyOf(child.out));
        assertTrue(child.err.isEmpty(), "stderr: " + child.err);
    }
}
