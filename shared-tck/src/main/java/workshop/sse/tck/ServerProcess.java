package workshop.sse.tck;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server started as a process of its own, for the checks of the SPEC's "Running" section. Its output (stdout and
 * stderr together) is read by a thread into a list of lines, so the process never blocks on a full pipe.
 */
public final class ServerProcess implements AutoCloseable {

    /** The settings of the SPEC: none of them is inherited from the kit's own environment. */
    private static final List<String> SETTINGS =
            List.of("PORT", "HOST", "RETRY_MS", "HEARTBEAT_MS", "HISTORY_SIZE", "MAX_STREAMS", "ALLOWED_ORIGINS",
                    "TLS", "TLS_CERT", "TLS_KEY");

    private final Process process;
    private final List<String> lines = new ArrayList<>();

    private ServerProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(this::readOutput, "server-process-output");
        reader.setDaemon(true);
        reader.start();
    }

    public static ServerProcess start(List<String> command, Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        SETTINGS.forEach(builder.environment()::remove);
        builder.environment().putAll(environment);
        return new ServerProcess(builder.start());
    }

    private void readOutput() {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException ignored) {
            // the process is gone
        }
    }

    /** The first match of {@code pattern} in the output, waiting up to {@code within} for it. */
    public Optional<Matcher> awaitLine(Pattern pattern, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    Matcher matcher = pattern.matcher(lines.get(seen));
                    if (matcher.find()) {
                        return Optional.of(matcher);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && seen == lines.size() && outputDrained())) {
                    return Optional.empty();
                }
                lines.wait(Math.max(1, Math.min(100, left / 1_000_000)));
            }
        }
    }

    private boolean outputDrained() {
        try {
            return process.getInputStream().available() == 0;
        } catch (IOException e) {
            return true;
        }
    }

    /** The exit code, if the process exits within {@code within}. */
    public Optional<Integer> awaitExit(Duration within) throws InterruptedException {
        if (process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            Thread.sleep(100); // let the reader thread take the last lines
            return Optional.of(process.exitValue());
        }
        return Optional.empty();
    }

    /** The process itself: its pid (to signal it otherwise than with SIGTERM) and its children. */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** Sends SIGTERM (on Unix, {@link Process#destroy()} is SIGTERM). */
    public void sigterm() {
        process.destroy();
    }

    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** The output so far, on one line, for failure messages. */
    public String output() {
        List<String> all = lines();
        List<String> last = all.subList(Math.max(0, all.size() - 15), all.size());
        return (all.size() > last.size() ? "..." : "") + String.join(" ⏎ ", last);
    }

    /** Kills what is left of the process (a check that passed has stopped it already). */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
