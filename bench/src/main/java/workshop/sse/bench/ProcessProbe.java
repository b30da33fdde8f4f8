package workshop.sse.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's CPU time, resident memory and threads, read from {@code /proc} (Linux). */
final class ProcessProbe {

    private static final long TICKS_PER_SECOND = ticksPerSecond();

    private final long pid;

    ProcessProbe(long pid) {
        this.pid = pid;
    }

    long pid() {
        return pid;
    }

    static ProcessProbe self() {
        return new ProcessProbe(ProcessHandle.current().pid());
    }

    /** User and system CPU time so far, in nanoseconds. */
    long cpuNanos() {
        String stat = read("stat");
        // the fields after the command name, which is in parentheses and may hold spaces
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
        return ticks * 1_000_000_000L / TICKS_PER_SECOND;
    }

    /** Resident memory, in KiB. */
    long rssKiB() {
        return statusField("VmRSS:");
    }

    long threads() {
        return statusField("Threads:");
    }

    boolean alive() {
        return Files.exists(Path.of("/proc/" + pid));
    }

    private long statusField(String name) {
        for (String line : read("status").split("\n")) {
            if (line.startsWith(name)) {
                return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("no " + name + " in /proc/" + pid + "/status");
    }

    private String read(String file) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/" + file));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/" + file + " (is the process running?)", e);
        }
    }

    private static long ticksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes()).trim();
            return getconf.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | InterruptedException | NumberFormatException e) {
            return 100;
        }
    }
}
