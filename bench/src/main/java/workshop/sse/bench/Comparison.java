package workshop.sse.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The side-by-side run: every profile, against every server in turn (a fresh process for each profile and run),
 * several runs, all in one go on one machine, so that the stacks are compared with each other and with the floor
 * under the same conditions. The order of the servers rotates from run to run, so no server always goes first.
 */
final class Comparison {

    /**
     * A server to measure: its name in the tables, how to start it, the name it prints in its ready line, how it
     * is deployed (how many instances, sharing one redis-server of the bench's own ({@code REDIS_URL}) or not), and
     * how the streams reach it (over TLS, the server is started with {@code TLS=self-signed}).
     */
    record Contestant(String name, String label, List<String> command, String server, int instances, boolean redis,
                      Transport transport) {
        Contestant(String name, String label, List<String> command) {
            this(name, label, command, name, 1, false);
        }

        Contestant(String name, String label, List<String> command, String server, int instances, boolean redis) {
            this(name, label, command, server, instances, redis, Transport.BENCH_HTTP1);
        }
    }

    /** One run's figures, what the server logged during it, and (after the idle profile) what its heap held. */
    record Run(LoadRun.Result result, List<String> noise, Profiler.Heap heap) {
    }

    private final List<Contestant> contestants;
    private final List<Profile> profiles;
    private final int runs;
    private final Path logs;
    private final boolean recordCpu;
    private final Map<Profile, Map<String, List<Run>>> results = new LinkedHashMap<>();
    private final Map<String, Profiler.Cpu> cpu = new LinkedHashMap<>();

    /** With {@code recordCpu}, one more run of the steady profile per server is recorded with JFR ({@link #cpu}). */
    Comparison(List<Contestant> contestants, List<Profile> profiles, int runs, Path logs, boolean recordCpu) {
        this.contestants = contestants;
        this.profiles = profiles;
        this.runs = runs;
        this.logs = logs;
        this.recordCpu = recordCpu;
    }

    /** The workspace's four servers and the floor, started from their jars under {@code root}. */
    static List<Contestant> workspace(Path root) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<Contestant> all = new ArrayList<>();
        all.add(new Contestant("floor", "floor", List.of(java, "-cp", System.getProperty("java.class.path"),
                FloorServer.class.getName())));
        for (String[] server : new String[][] {{"javalin", "Javalin"}, {"undertow", "Undertow"},
                {"helidon", "Helidon"}, {"raw-socket", "raw socket"}}) {
            Path jar = root.resolve(server[0] + "-server/target/" + server[0] + "-server.jar");
            all.add(new Contestant(server[0], server[1], List.of(java, "-jar", jar.toString())));
        }
        return all;
    }

    /**
     * One server three ways: in memory; one instance keeping its broadcast in Redis; two instances sharing one
     * Redis, the streams split between them and the events published to the first (so half the deliveries cross).
     */
    static List<Contestant> throughRedis(Contestant server) {
        return List.of(
                new Contestant("in-memory", "in memory", server.command(), server.server(), 1, false),
                new Contestant("redis-1", "1 instance, Redis", server.command(), server.server(), 1, true),
                new Contestant("redis-2", "2 instances, Redis", server.command(), server.server(), 2, true));
    }

    /**
     * {@code bench http2}'s contestants: the floor (cleartext HTTP/1.1, read by the same client), then each of
     * {@code servers} over HTTP/2 with TLS when it offers HTTP/2, and over HTTP/1.1 with TLS.
     */
    static List<Contestant> overTls(List<Contestant> servers) {
        List<Contestant> all = new ArrayList<>();
        for (Contestant server : servers) {
            if (server.name().equals("floor")) {
                all.add(new Contestant("floor", "floor", server.command(), "floor", 1, false, Transport.HTTP1));
                continue;
            }
            if (!server.name().equals("raw-socket")) { // HTTP/1.1 only: its README says why
                all.add(new Contestant(server.name() + "-h2", server.label() + " h2", server.command(),
                        server.server(), 1, false, Transport.HTTP2_TLS));
            }
            all.add(new Contestant(server.name() + "-h1", server.label() + " HTTP/1.1", server.command(),
                    server.server(), 1, false, Transport.HTTP1_TLS));
        }
        return all;
    }

    Map<Profile, Map<String, List<Run>>> run() throws IOException, InterruptedException {
        for (Profile profile : profiles) {
            Map<String, List<Run>> byServer = new LinkedHashMap<>();
            contestants.forEach(c -> byServer.put(c.name(), new ArrayList<>()));
            results.put(profile, byServer);
            for (int run = 0; run < runs; run++) {
                for (int i = 0; i < contestants.size(); i++) {
                    Contestant contestant = contestants.get((i + run) % contestants.size());
                    Run result = runOnce(contestant, profile, run + 1);
                    byServer.get(contestant.name()).add(result);
                    System.out.println(summary(contestant, profile, run + 1, result));
                }
            }
            if (recordCpu && profile.name().equals(PROFILED)) {
                for (Contestant contestant : contestants) { // once more, recorded: not counted in the figures
                    runOnce(contestant, profile, 0);
                }
            }
        }
        return results;
    }

    /** Where each server's CPU went during an extra, recorded run of the steady profile. */
    Map<String, Profiler.Cpu> cpu() {
        return cpu;
    }

    /** The profile whose CPU is recorded: the steady one, where CPU per delivery is held to a target. */
    private static final String PROFILED = "steady";

    /** Run 0 is the recorded one. */
    private Run runOnce(Contestant contestant, Profile profile, int run) throws IOException, InterruptedException {
        Path log = logs.resolve(profile.name() + "-" + (run == 0 ? "recorded" : run) + "-" + contestant.name() + ".log");
        List<ServerProcess> instances = new ArrayList<>();
        ServerProcess redis = null;
        Profiler.Heap[] heap = new Profiler.Heap[1];
        LoadRun.Result result;
        try {
            Map<String, String> settings = contestant.transport().tls ? Map.of("TLS", "self-signed") : Map.of();
            if (contestant.redis()) {
                redis = ServerProcess.redis(log.resolveSibling(log.getFileName() + ".redis"));
                settings = Map.of("REDIS_URL", "redis://127.0.0.1:" + redis.port());
            }
            for (int i = 0; i < contestant.instances(); i++) {
                Path instanceLog = i == 0 ? log : log.resolveSibling(log.getFileName() + "." + (i + 1));
                instances.add(ServerProcess.start(contestant.server(), contestant.command(), settings, instanceLog));
            }
            long pid = instances.get(0).probe().pid();
            Thread.sleep(500); // the ready line is printed just before the server idles: let it get there
            if (run == 0) {
                Profiler.startRecording(pid);
            }
            result = new LoadRun("127.0.0.1", instances.stream().map(ServerProcess::port).toList(),
                    instances.stream().map(ServerProcess::probe).toList(),
                    redis == null ? null : redis.probe(), contestant.transport()).run(profile, () -> {
                try {
                    if (profile.publishing() == Profile.Publishing.NONE && instances.size() == 1) {
                        heap[0] = Profiler.heap(pid, profile.streams()); // after every figure is read: a full GC
                    }
                    if (run == 0) {
                        cpu.put(contestant.name(), Profiler.stopRecording(pid, log.resolveSibling(
                                contestant.name() + "-" + profile.name() + ".jfr")));
                    }
                } catch (IOException | InterruptedException e) {
                    System.err.println("bench: could not profile " + contestant.name() + ": " + e.getMessage());
                }
                instances.forEach(ServerProcess::close);
            });
        } finally {
            instances.forEach(ServerProcess::close);
            if (redis != null) {
                redis.close();
            }
        }
        Thread.sleep(500); // let the kernel finish with the closed sockets before the next server starts
        List<String> noise = new ArrayList<>();
        for (ServerProcess instance : instances) {
            noise.addAll(instance.noise());
        }
        return new Run(result, noise, heap[0]);
    }

    private static String summary(Contestant contestant, Profile profile, int run, Run result) {
        StringBuilder line = new StringBuilder(String.format("%-7s run %d %-10s", profile.name(), run, contestant.name()));
        for (Figure figure : profile.shown()) {
            line.append("  ").append(figure.label).append(' ').append(figure.format(result.result().get(figure)));
        }
        if (!result.result().failed().isEmpty()) {
            line.append("  failed ").append(result.result().failed());
        }
        if (!result.result().dropped().isEmpty()) {
            line.append("  dropped ").append(result.result().dropped());
        }
        if (!result.result().publishFailed().isEmpty()) {
            line.append("  publishes failed ").append(result.result().publishFailed());
        }
        result.result().notes().forEach(note -> line.append("  (").append(note).append(')'));
        if (!result.noise().isEmpty()) {
            line.append("  log: ").append(result.noise().size()).append(" lines, first: ").append(result.noise().get(0));
        }
        return line.toString();
    }
}
