package workshop.sse.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sun.misc.Signal;

/**
 * The bench's command line (run by {@code ./benchmark}):
 *
 * <pre>
 * bench load URL [--profile idle|steady|burst] [--streams N] [--events N] [--pid PID]
 *     one profile against any running server (loopback only); with --pid, also its CPU and memory
 * bench compare [--runs 3] [--profiles idle,steady,burst] [--servers floor,javalin,...] [--streams N --events N]
 *               [--out docs/bench] [--json static/bench/results.json] [--readme README.md]
 *     the four servers of the workspace and the floor, a fresh process per profile and run, side by side
 * bench redis [--server javalin] [--runs 3] [--profiles steady,burst] [--streams N --events N | --smoke true]
 *             [--out docs/bench]
 *     one server in memory, as one instance through Redis and as two sharing one Redis (a redis-server of its own),
 *     side by side; writes redis-SERVER.md
 * bench http2 [--runs 3] [--servers floor,javalin,undertow,helidon,raw-socket] [--streams N --events N | --smoke true]
 *             [--out docs/bench] [--readme README.md]
 *     the same streams over HTTP/2 with TLS (few connections) and over HTTP/1.1 with TLS (one each), on every server
 *     that offers HTTP/2 (the raw server: HTTP/1.1), with the floor, side by side; writes http2.md, and its medians
 *     into the README's bench-http2 section
 * bench readmes [--json static/bench/results.json]
 *     each server module's README section, again, from the last comparison's results.json, and the README's HTTP/2
 *     table from http2.md
 * bench watch [--port 8080 | --urls URL,URL,...] [--streams 2000] [--rate 5] [--seconds 120] [--every 5]
 *     a load to watch on several servers at once (by default ./serve all's four), a line per server every few seconds
 * bench floor [--port N]
 *     the floor on its own
 * </pre>
 */
public final class Bench {

    /** Every run's figures, in static/ so that every server serves them to results.html. */
    static final String RESULTS_JSON = "static/bench/results.json";

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage("");
        }
        Map<String, String> flags = flags(Arrays.copyOfRange(args, 1, args.length));
        switch (args[0]) {
            case "load" -> load(flags);
            case "compare" -> compare(flags);
            case "redis" -> redis(flags, String.join(" ", args));
            case "http2" -> http2(flags, String.join(" ", args));
            case "readmes" -> readmes(flags);
            case "watch" -> watch(flags);
            case "floor" -> FloorServer.main(Arrays.copyOfRange(args, 1, args.length));
            default -> usage("unknown command " + args[0]);
        }
    }

    private static void load(Map<String, String> flags) throws Exception {
        URI url = URI.create(flags.getOrDefault("", "http://127.0.0.1:8080"));
        requireLoopback(url.getHost());
        Profile profile = scaled(Profile.named(flags.getOrDefault("--profile", "steady")), flags);
        ProcessProbe server = flags.containsKey("--pid") ? new ProcessProbe(Long.parseLong(flags.get("--pid"))) : null;
        System.out.println(profile.title() + ", against " + url);
        int port = url.getPort() < 0 ? 80 : url.getPort();
        LoadRun.Result result = new LoadRun(url.getHost(), port, server).run(profile, () -> { });
        result.figures().forEach((figure, value) -> System.out.printf("%-40s %s%n", figure.label, figure.format(value)));
        result.failed().forEach((why, n) -> System.out.println("failed to open: " + n + " × " + why));
        result.dropped().forEach((why, n) -> System.out.println("dropped: " + n + " × " + why));
        result.publishFailed().forEach((why, n) -> System.out.println("publish failed: " + n + " × " + why));
        result.notes().forEach(note -> System.out.println("note: " + note));
    }

    private static void compare(Map<String, String> flags) throws Exception {
        Path root = Path.of(flags.getOrDefault("--root", ".")).toAbsolutePath().normalize();
        List<Profile> profiles = new ArrayList<>();
        for (String name : flags.getOrDefault("--profiles", "idle,steady,burst").split(",")) {
            profiles.add(scaled(Profile.named(name.trim()), flags));
        }
        List<Comparison.Contestant> contestants = Comparison.workspace(root);
        if (flags.containsKey("--servers")) {
            List<String> wanted = List.of(flags.get("--servers").split(","));
            contestants = contestants.stream().filter(c -> wanted.contains(c.name())).toList();
        }
        int runs = Integer.parseInt(flags.getOrDefault("--runs", "3"));
        Path out = root.resolve(flags.getOrDefault("--out", "docs/bench"));
        Comparison comparison = new Comparison(contestants, profiles, runs, root.resolve("bench/target/logs"), true);
        String command = flags.getOrDefault("--command", "./benchmark");
        Path json = root.resolve(flags.getOrDefault("--json", RESULTS_JSON));
        Report report = new Report(contestants, comparison.run(), comparison.cpu(), runs, command);
        report.write(out, json, flags.containsKey("--readme") ? root.resolve(flags.get("--readme")) : null);
        if (flags.containsKey("--readme")) {
            ModuleFigures.embedAll(json, root);
        }
        System.out.println();
        System.out.print(report.markdown());
        System.out.println("\nwritten: " + json + ", " + out.resolve("results.md") + ", results.svg");
    }

    /** What {@code bench redis} shows: what gets through, how fast, at what cost, and that nothing went astray. */
    static final List<Figure> REDIS_FIGURES = List.of(Figure.PUBLISH_RATE, Figure.DELIVERIES_PER_SECOND,
            Figure.LATENCY_P50_MS, Figure.LATENCY_P99_MS, Figure.CPU_PER_DELIVERY_US, Figure.REDIS_CPU_PER_PUBLISH_US,
            Figure.CROSSED, Figure.LOST, Figure.DOUBLED, Figure.OUT_OF_ORDER);

    private static void redis(Map<String, String> flags, String arguments) throws Exception {
        Path root = Path.of(flags.getOrDefault("--root", ".")).toAbsolutePath().normalize();
        String name = flags.getOrDefault("--server", "javalin");
        Comparison.Contestant server = Comparison.workspace(root).stream()
                .filter(c -> c.name().equals(name) && !c.name().equals("floor")).findFirst().orElse(null);
        if (server == null) {
            usage("no server " + name + " to run through Redis (javalin, undertow, helidon, raw-socket)");
        }
        List<Profile> profiles = new ArrayList<>();
        for (String profile : flags.getOrDefault("--profiles", "steady").split(",")) {
            if (!List.of("steady", "burst").contains(profile.trim())) {
                usage("bench redis runs the profiles that publish: steady, burst (not " + profile + ")");
            }
            profiles.add(scaled(Profile.named(profile.trim()), flags).showing(REDIS_FIGURES));
        }
        int runs = Integer.parseInt(flags.getOrDefault("--runs", "3"));
        Path logs = root.resolve("bench/target/logs/redis");
        try (ServerProcess redis = ServerProcess.redis(logs.resolve("redis-check.log"))) {
            System.out.println("redis-server answers on port " + redis.port() + ": each run starts its own");
        } catch (IOException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
        }
        List<Comparison.Contestant> modes = Comparison.throughRedis(server);
        Comparison comparison = new Comparison(modes, profiles, runs, logs, false);
        String markdown = redisMarkdown(server, new Report(modes, comparison.run(), Map.of(), runs, "./benchmark " + arguments));
        Path out = root.resolve(flags.getOrDefault("--out", "docs/bench")).resolve("redis-" + name + ".md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, markdown);
        System.out.println();
        System.out.print(markdown.substring(0, markdown.indexOf("\n## Every run")));
        System.out.println("\nwritten: " + out);
    }

    /** The table of {@code bench redis}, with what its columns are, and every run after it. */
    static String redisMarkdown(Comparison.Contestant server, Report report) {
        return "# " + server.label() + " with its broadcast in Redis\n\n"
                + "The same server in memory, as one instance keeping its broadcast in Redis (`REDIS_URL`), and as two "
                + "instances sharing one Redis: the streams split between the two, every event published to the first, "
                + "so the second delivers what crossed Redis (\"" + Figure.CROSSED.label + "\"). Server CPU adds up "
                + "the instances. redis-server's CPU is read from /proc (in ticks of 10 ms) over the publishing, its own "
                + "housekeeping included (the instances' presence, its timers): at low rates an upper bound. Each run "
                + "starts its own redis-server.\n\n"
                + report.markdown() + report.details();
    }

    private static void http2(Map<String, String> flags, String arguments) throws Exception {
        Path root = Path.of(flags.getOrDefault("--root", ".")).toAbsolutePath().normalize();
        List<String> wanted = flags.containsKey("--servers") ? List.of(flags.get("--servers").split(",")) : List.of();
        List<Comparison.Contestant> contestants = Http2Bench.contestants(root, wanted);
        int runs = Integer.parseInt(flags.getOrDefault("--runs", "3"));
        String markdown = Http2Bench.run(contestants, scaled(Profile.HTTP2, flags), runs,
                root.resolve("bench/target/logs/http2"), "./benchmark " + arguments);
        Path out = Http2Bench.write(root.resolve(flags.getOrDefault("--out", "docs/bench")), markdown);
        System.out.println();
        System.out.print(markdown.substring(0, markdown.indexOf("\n## Every run")));
        System.out.println("\nwritten: " + out);
        if (flags.containsKey("--readme")) {
            Http2Bench.embed(root.resolve(flags.get("--readme")), out);
            System.out.println("written: " + root.resolve(flags.get("--readme")));
        }
    }

    private static void watch(Map<String, String> flags) throws Exception {
        Watch.Options options;
        try {
            options = Watch.Options.parse(flags);
        } catch (IllegalArgumentException e) {
            usage(e.getMessage());
            return;
        }
        Watch watch = new Watch(options, System.out);
        // Ctrl-C ends the run, not the JVM: the summary is printed and every connection closed first
        Signal.handle(new Signal("INT"), signal -> watch.stop());
        Signal.handle(new Signal("TERM"), signal -> watch.stop());
        if (watch.run() == 0) {
            System.exit(1);
        }
    }

    private static void readmes(Map<String, String> flags) throws Exception {
        Path root = Path.of(flags.getOrDefault("--root", ".")).toAbsolutePath().normalize();
        Path results = root.resolve(flags.getOrDefault("--json", RESULTS_JSON));
        ModuleFigures.embedAll(results, root).forEach(readme -> System.out.println("written: " + readme));
        Path http2 = root.resolve(flags.getOrDefault("--out", "docs/bench")).resolve(Http2Bench.FILE);
        if (Files.exists(http2)) {
            Path readme = root.resolve(flags.getOrDefault("--readme", "README.md"));
            Http2Bench.embed(readme, http2);
            System.out.println("written: " + readme + " (the HTTP/2 table, from " + http2 + ")");
        }
    }

    private static Profile scaled(Profile profile, Map<String, String> flags) {
        if (flags.containsKey("--smoke")) {
            return profile.smoke();
        }
        if (!flags.containsKey("--streams") && !flags.containsKey("--events")) {
            return profile;
        }
        return profile.scaled(Integer.parseInt(flags.getOrDefault("--streams", Integer.toString(profile.streams()))),
                Integer.parseInt(flags.getOrDefault("--events", Integer.toString(profile.events()))));
    }

    /** The bench only ever loads this machine's own servers. */
    static void requireLoopback(String host) throws UnknownHostException {
        for (InetAddress address : InetAddress.getAllByName(host)) {
            if (!address.isLoopbackAddress()) {
                System.err.println("bench: " + host + " is not a loopback address; the bench loads only servers on "
                        + "this machine (127.0.0.1, localhost, [::1])");
                System.exit(2);
            }
        }
    }

    /** {@code --name value} pairs; a first bare argument is stored under "". */
    private static Map<String, String> flags(String[] args) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                if (i + 1 >= args.length) {
                    usage(args[i] + " needs a value");
                }
                flags.put(args[i], args[++i]);
            } else if (!flags.containsKey("")) {
                flags.put("", args[i]);
            } else {
                usage("unexpected " + args[i]);
            }
        }
        return flags;
    }

    private static void usage(String problem) {
        if (!problem.isEmpty()) {
            System.err.println("bench: " + problem);
        }
        System.err.println("""
                usage: ./benchmark                                   the full comparison (README's figures)
                       ./benchmark load URL [--profile idle|steady|burst] [--streams N] [--events N] [--pid PID]
                       ./benchmark compare [--runs N] [--profiles idle,steady,burst] [--servers floor,javalin,...]
                                       [--streams N --events N | --smoke true] [--out DIR] [--json FILE]
                                       [--readme FILE]
                       ./benchmark redis [--server javalin] [--runs N] [--profiles steady,burst] [--smoke true]
                                                            one server in memory, and one and two instances through Redis
                       ./benchmark http2 [--runs N] [--servers floor,javalin,...] [--smoke true] [--readme FILE]
                                                            the streams over HTTP/2 and HTTP/1.1 with TLS: http2.md
                                                            (and its medians in FILE, README.md by ./benchmark)
                       ./benchmark readmes                  the READMEs' figures again, from results.json and http2.md
                       ./benchmark watch [--port 8080 | --urls URL,URL,...] [--streams 2000] [--rate 5]
                                       [--seconds 120] [--every 5]
                                                            a load to watch on the four of ./serve all (ports 8080..8083)
                       ./benchmark floor [--port N]""");
        System.exit(2);
    }
}
