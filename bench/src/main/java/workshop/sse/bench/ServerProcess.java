package workshop.sse.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server started as {@code ./serve} starts it ({@code java -jar}, default JVM settings), on a free port of the
 * loopback, its output kept in a log file: the bench reads the port from its ready line, its CPU and memory from
 * {@code /proc}, and afterwards every line it printed besides the ready and stopped lines.
 */
final class ServerProcess implements AutoCloseable {

    private static final Pattern READY = Pattern.compile("ready: open http://[^:/]+:(\\d+)/");
    private static final long START_TIMEOUT_MS = 60_000;
    private static final long STOP_TIMEOUT_MS = 10_000;

    private final String name;
    private final Process process;
    private final Path log;
    private final int port;

    private ServerProcess(String name, Process process, Path log, int port) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.port = port;
    }

    static ServerProcess start(String name, List<String> command, Path log) throws IOException, InterruptedException {
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("PORT", "0");
        env.put("HOST", "127.0.0.1");
        Process process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (System.nanoTime() < deadline) {
            Matcher ready = READY.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (ready.find()) {
                return new ServerProcess(name, process, log, Integer.parseInt(ready.group(1)));
            }
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + " before its ready line: "
                        + Files.readString(log, StandardCharsets.UTF_8).strip());
            }
            Thread.sleep(20);
        }
        process.destroyForcibly();
        throw new IOException(name + " printed no ready line within " + START_TIMEOUT_MS / 1000 + " s (log: " + log + ")");
    }

    int port() {
        return port;
    }

    ProcessProbe probe() {
        return new ProcessProbe(process.pid());
    }

    /** SIGTERM, as Ctrl-C would; forcibly when it has not exited in time. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** What the server printed besides its ready and stopped lines: stack traces, warnings, anything. */
    List<String> noise() throws IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(line -> !line.isBlank())
                .filter(line -> !line.startsWith(name + " ready: ") && !line.equals(name + " stopped"))
                .toList();
    }
}
