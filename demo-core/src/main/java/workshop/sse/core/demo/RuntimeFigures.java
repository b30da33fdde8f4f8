package workshop.sse.core.demo;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The process's own figures for {@code /api/status} (SPEC 8.4), read from the JVM's management beans and, for the
 * resident memory, from {@code /proc}: each read is a handful of counters, never a GC or a heap walk. A figure the
 * platform cannot give is null.
 */
final class RuntimeFigures {

    private static final Path PROC_STATUS = Path.of("/proc/self/status");

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
    private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();

    /** One reading, in the order SPEC 8.4 lists the fields. */
    Map<String, Object> read() {
        Map<String, Object> figures = new LinkedHashMap<>();
        // platform threads only: the JVM counts no virtual thread here, which is the point of the comparison
        figures.put("threads", threads.getThreadCount());
        figures.put("peakThreads", threads.getPeakThreadCount());
        figures.put("heapUsedBytes", memory.getHeapMemoryUsage().getUsed());
        figures.put("rssBytes", residentBytes());
        figures.put("cpuSeconds", cpuSeconds());
        figures.put("openFds", os instanceof com.sun.management.UnixOperatingSystemMXBean unix
                ? unix.getOpenFileDescriptorCount() : null);
        figures.put("uptimeMs", runtime.getUptime());
        return figures;
    }

    private Double cpuSeconds() {
        if (os instanceof com.sun.management.OperatingSystemMXBean sun && sun.getProcessCpuTime() >= 0) {
            return Math.round(sun.getProcessCpuTime() / 1_000_000.0) / 1_000.0; // milliseconds are plenty
        }
        return null;
    }

    /** VmRSS from /proc/self/status (Linux); null elsewhere. */
    private static Long residentBytes() {
        try {
            for (String line : Files.readAllLines(PROC_STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024; // "VmRSS:   123456 kB"
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not mounted
        }
        return null;
    }
}
