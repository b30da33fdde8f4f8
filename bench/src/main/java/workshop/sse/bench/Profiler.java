package workshop.sse.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Why a server costs what it costs, read from the running server with the JDK's own tools, so the README can show
 * the measured reason beside a figure: what its heap holds per stream ({@code jcmd GC.class_histogram}, which runs
 * a full GC first) and where its CPU goes (a flight recording started and stopped with {@code jcmd}, its execution
 * samples summed by method).
 */
final class Profiler {

    /** One line of a breakdown: a name and its share (bytes per stream, or percent of the samples). */
    record Share(String name, double value) {
    }

    /** The live heap after a full GC, per stream, and the classes that hold most of it. */
    record Heap(double perStreamKiB, List<Share> topClassesKiB) {
    }

    /** Where the samples of running Java code fell: by method, and by the first non-JDK code on the stack. */
    record Cpu(long samples, List<Share> hotMethods, List<Share> byCode) {
    }

    private static final String JCMD = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    private static final int TOP = 8;

    private Profiler() {
    }

    static Heap heap(long pid, int streams) throws IOException, InterruptedException {
        String histogram = jcmd(pid, "GC.class_histogram");
        List<Share> top = new ArrayList<>();
        long total = 0;
        for (String line : histogram.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 2 && fields[0].equals("Total")) {
                total = Long.parseLong(fields[2]);
            } else if (fields.length >= 4 && fields[0].endsWith(":") && top.size() < TOP) {
                top.add(new Share(className(fields[3]), Long.parseLong(fields[2]) / 1024.0 / streams));
            }
        }
        return new Heap(total / 1024.0 / streams, top);
    }

    static void startRecording(long pid) throws IOException, InterruptedException {
        jcmd(pid, "JFR.start", "name=bench", "settings=profile");
    }

    static Cpu stopRecording(long pid, Path file) throws IOException, InterruptedException {
        jcmd(pid, "JFR.stop", "name=bench", "filename=" + file.toAbsolutePath());
        Map<String, Long> methods = new HashMap<>();
        Map<String, Long> code = new HashMap<>();
        long samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                continue;
            }
            List<RecordedFrame> frames = event.getStackTrace().getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            samples++;
            methods.merge(methodName(frames.get(0)), 1L, Long::sum);
            code.merge(firstNonJdkType(frames), 1L, Long::sum);
        }
        return new Cpu(samples, top(methods, samples), top(code, samples));
    }

    private static List<Share> top(Map<String, Long> counts, long samples) {
        return counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(TOP)
                .map(e -> new Share(e.getKey(), 100.0 * e.getValue() / samples)).toList();
    }

    private static String methodName(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
    }

    /** The class of the first frame, from the top, that is not the JDK's: whose work the JDK was doing. */
    private static String firstNonJdkType(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            if (!type.startsWith("java.") && !type.startsWith("jdk.") && !type.startsWith("sun.")) {
                return type;
            }
        }
        return "the JDK alone";
    }

    /** A class name short enough for a table: its library (or "ours") and its simple name. */
    static String shortType(String type) {
        String[] parts = type.split("\\.");
        if (parts.length < 2) {
            return type;
        }
        String library = type.startsWith("workshop.") ? "ours"
                : List.of("org", "io", "com", "net").contains(parts[0]) ? parts[1] : parts[0];
        return library + " " + parts[parts.length - 1];
    }

    private static String className(String jvmName) {
        return switch (jvmName) {
            case "[B" -> "byte[]";
            case "[C" -> "char[]";
            case "[I" -> "int[]";
            case "[J" -> "long[]";
            default -> jvmName.startsWith("[L") ? jvmName.substring(2, jvmName.length() - 1) + "[]" : jvmName;
        };
    }

    private static String jcmd(long pid, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(JCMD, Long.toString(pid)));
        line.addAll(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException("jcmd " + String.join(" ", command) + " failed: " + out.strip());
        }
        return out;
    }
}
