package workshop.sse.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server started as {@code ./serve} starts it ({@code java -jar}, default JVM settings), on a free port of the
 * loopback, its output kept in a log file: the bench reads the port from its ready line, its CPU and memory from
 * {@code /proc}, and afterwards every line it printed besides the ready and stopped lines.
 */
final class ServerProcess implements AutoCloseable {

    private static final Pattern READY = Pattern.compile("ready: open https?://[^:/]+:(\\d+)/");
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
        return start(name, command, Map.of(), log);
    }

    /** The server with more settings in its environment ({@code REDIS_URL}, say). */
    static ServerProcess start(String name, List<String> command, Map<String, String> settings, Path log)
            throws IOException, InterruptedException {
        Map<String, String> env = new HashMap<>(settings);
        env.put("PORT", "0");
        env.put("HOST", "127.0.0.1");
        return launch(name, command, env, log, output -> {
            Matcher ready = READY.matcher(output);
            return ready.find() ? Integer.parseInt(ready.group(1)) : -1;
        });
    }

    /**
     * A throwaway redis-server, as the tests start theirs: on a free port of the loopback, keeping nothing on disk.
     * {@code REDIS_SERVER} names another binary than the one on PATH.
     */
    static ServerProcess redis(Path log) throws IOException, InterruptedException {
        String binary = System.getenv().getOrDefault("REDIS_SERVER", "redis-server");
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        List<String> command = List.of(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no");
        try {
            return launch("redis-server", command, Map.of(), log,
                    output -> output.contains("Ready to accept connections") ? port : -1);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("Cannot run program")) {
                throw new IOException("no " + binary + " to run (" + e.getMessage() + "): scripts/ensure-redis.sh "
                        + "installs Debian's redis-server, or set REDIS_SERVER to a redis-server binary", e);
            }
            throw e;
        }
    }

    /** Starts {@code command} and waits until {@code readyPort} finds the port (not -1) in what it printed. */
    private static ServerProcess launch(String name, List<String> command, Map<String, String> env, Path log,
                                        ToIntFunction<String> readyPort) throws IOException, InterruptedException {
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (System.nanoTime() < deadline) {
            int port = readyPort.applyAsInt(Files.readString(log, StandardCharsets.UTF_8));
            if (port >= 0) {
                return new ServerProcess(name, process, log, port);
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

    /** Where it listens (redis-server: its Redis port). */
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
