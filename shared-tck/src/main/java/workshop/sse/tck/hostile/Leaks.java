package workshop.sse.tck.hostile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * This JVM's platform threads and file descriptors before a hostile run, to compare with after it. The server runs in
 * the test's JVM, so they are the server's too. Virtual-thread carriers are not counted: the JDK grows and shrinks
 * their pool on its own.
 */
final class Leaks {

    static final int THREAD_TOLERANCE = 5;
    static final int FD_TOLERANCE = 10;

    private final int threadsBefore;
    private final int fdsBefore;
    private final Map<String, Long> fdKindsBefore;
    private final Set<Long> threadIdsBefore;
    private int threadsAfter;
    private int fdsAfter;

    private Leaks() throws InterruptedException {
        threadsBefore = platformThreads();
        fdsBefore = openFds();
        fdKindsBefore = fdKinds();
        threadIdsBefore = Thread.getAllStackTraces().keySet().stream().map(Thread::threadId).collect(Collectors.toSet());
    }

    static Leaks before() throws InterruptedException {
        return new Leaks();
    }

    /** Polls up to 10 s for threads and descriptors to come back, then says what did not. */
    List<String> after() throws InterruptedException {
        threadsAfter = platformThreads();
        fdsAfter = openFds();
        long settleUntil = System.nanoTime() + 10_000_000_000L;
        while ((threadsAfter > threadsBefore + THREAD_TOLERANCE || fdsAfter > fdsBefore + FD_TOLERANCE)
                && System.nanoTime() < settleUntil) {
            Thread.sleep(250);
            threadsAfter = platformThreads();
            fdsAfter = openFds();
        }
        List<String> problems = new ArrayList<>();
        if (threadsAfter > threadsBefore + THREAD_TOLERANCE) {
            problems.add("thread leak: " + threadsBefore + " platform threads before, " + threadsAfter
                    + " after 10 s of settling; now: " + threadGroups());
        }
        if (fdsAfter > fdsBefore + FD_TOLERANCE) {
            problems.add("file descriptor leak: " + fdsBefore + " open before, " + fdsAfter
                    + " after 10 s of settling; by kind, before → after: " + changed(fdKindsBefore, fdKinds()));
        }
        return problems;
    }

    /** Prints what the threads that came meanwhile are doing: the cause of most leaks. */
    void printNewThreads() {
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (!threadIdsBefore.contains(t.threadId()) && !isCarrier(t)) {
                System.out.println("[hostile] new thread " + t.getName() + " " + t.getState() + ": "
                        + Arrays.stream(stack).limit(12).map(String::valueOf).collect(Collectors.joining(" <- ")));
            }
        });
    }

    String summary() {
        return "threads " + threadsBefore + "→" + threadsAfter + ", fds " + fdsBefore + "→" + fdsAfter;
    }

    private static int platformThreads() throws InterruptedException {
        System.gc();
        Thread.sleep(100);
        return (int) Thread.getAllStackTraces().keySet().stream().filter(t -> !isCarrier(t)).count();
    }

    private static boolean isCarrier(Thread t) {
        return t.getClass().getName().equals("jdk.internal.misc.CarrierThread");
    }

    private static String threadGroups() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> !isCarrier(t))
                .collect(Collectors.groupingBy(t -> t.getName().replaceAll("[0-9]+", "#"), TreeMap::new,
                        Collectors.counting())).toString();
    }

    private static int openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static Map<String, Long> fdKinds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(p -> {
                try {
                    return Files.readSymbolicLink(p).toString().replaceAll("[0-9]+", "#");
                } catch (IOException e) {
                    return "?";
                }
            }).collect(Collectors.groupingBy(s -> s, TreeMap::new, Collectors.counting()));
        } catch (IOException e) {
            return Map.of();
        }
    }

    private static String changed(Map<String, Long> before, Map<String, Long> after) {
        Map<String, String> changed = new TreeMap<>();
        for (String k : new TreeSet<>(Stream.concat(before.keySet().stream(), after.keySet().stream()).toList())) {
            long b = before.getOrDefault(k, 0L);
            long a = after.getOrDefault(k, 0L);
            if (a != b) {
                changed.put(k, b + "→" + a);
            }
        }
        return changed.toString();
    }
}
