package workshop.sse.core.demo;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
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
    /** Bytes of /proc/self/status read: the whole file is about 1.4 KiB, VmRSS is in its first half. */
    private static final int PROC_STATUS_READ = 4096;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
    private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();

    /** One reading, in the order SPEC 8.4 lists the fields. */
    Map<String, Object> read() {
        Map<String, Object> figures = new LinkedHashMap<>();
        // platform threads only: the JVM counts no virtual thread here, which is the point of the comparison; the
        // live count first, so that the peak read after it is at least as high (SPEC 8.4)
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
        long nanos = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
        return nanos < 0 ? null : Math.round(nanos / 1_000_000.0) / 1_000.0; // milliseconds are plenty
    }

    /**
     * VmRSS from /proc/self/status (Linux); null elsewhere. The kernel writes the file afresh for each read; it is
     * read into one small buffer and scanned as bytes, since lines, strings and a regex cost several times the read.
     */
    private static Long residentBytes() {
        ByteBuffer text = ByteBuffer.allocate(PROC_STATUS_READ);
        try (FileChannel status = FileChannel.open(PROC_STATUS)) {
            while (text.hasRemaining() && status.read(text) > 0) {
                // VmRSS comes in the first few hundred bytes; the rest, if any, is not needed
            }
        } catch (IOException | UnsupportedOperationException e) {
            return null; // not Linux, or /proc not mounted
        }
        Long kib = kibField(text.array(), text.position(), "VmRSS");
        return kib == null ? null : kib * 1024;
    }

    /**
     * The number of a "{@code Name:   123456 kB}" line of a /proc status text, in KiB; null when there is no such
     * line within {@code length} bytes, or it holds no number.
     */
    static Long kibField(byte[] text, int length, String name) {
        byte[] key = (name + ":").getBytes(StandardCharsets.US_ASCII);
        for (int line = 0; line < length; line = next(text, length, line)) {
            if (startsWith(text, length, line, key)) {
                long value = 0;
                boolean digits = false;
                for (int i = line + key.length; i < length && text[i] != '\n'; i++) {
                    if (text[i] >= '0' && text[i] <= '9') {
                        value = value * 10 + (text[i] - '0');
                        digits = true;
                    } else if (digits) {
                        break; // the unit after the number
                    }
                }
                return digits ? value : null;
            }
        }
        return null;
    }

    private static boolean startsWith(byte[] text, int length, int at, byte[] key) {
        if (at + key.length > length) {
            return false;
        }
        for (int k = 0; k < key.length; k++) {
            if (text[at + k] != key[k]) {
                return false;
            }
        }
        return true;
    }

    /** Where the line after the one at {@code line} starts, or {@code length}. */
    private static int next(byte[] text, int length, int line) {
        for (int i = line; i < length; i++) {
            if (text[i] == '\n') {
                return i + 1;
            }
        }
        return length;
    }
}
