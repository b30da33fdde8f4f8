package workshop.sse.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A load to watch: the same modest load on several servers at once (by default the four of {@code ./serve all}) for a
 * bounded time, so that a workshop sees, in {@code compare.html}'s charts, what it does to each stack. Every few
 * seconds one line per server (streams open, events delivered per second, latency p99), then a summary. Each server
 * gets its own {@link Subscribers} (one thread and one selector for all its streams) and an open-loop
 * {@link Publisher}; a server that does not answer is named with the command that starts it, and the others still
 * get their load. {@link #stop} (Ctrl-C) ends it early, with the summary, and every connection closed.
 */
final class Watch {

    /** What to run. */
    record Options(List<URI> urls, int streams, double perSecond, int seconds, int everySeconds) {

        static final int DEFAULT_PORT = 8080;

        /** From the command line's flags; a bad value is an {@link IllegalArgumentException} saying which. */
        static Options parse(Map<String, String> flags) {
            for (String flag : flags.keySet()) {
                if (!List.of("--urls", "--port", "--streams", "--rate", "--seconds", "--every").contains(flag)) {
                    throw new IllegalArgumentException("watch takes no " + (flag.isEmpty() ? "URL without --urls" : flag));
                }
            }
            if (flags.containsKey("--urls") && flags.containsKey("--port")) {
                throw new IllegalArgumentException("give --urls or --port, not both");
            }
            List<URI> urls = new ArrayList<>();
            if (flags.containsKey("--urls")) {
                for (String url : flags.get("--urls").split(",")) {
                    urls.add(url(url.trim()));
                }
            } else {
                int first = number(flags, "--port", DEFAULT_PORT, 1, 65_535 - SERVE_ALL.size() + 1);
                for (int i = 0; i < SERVE_ALL.size(); i++) {
                    urls.add(URI.create("http://127.0.0.1:" + (first + i)));
                }
            }
            return new Options(urls, number(flags, "--streams", 2_000, 1, 100_000),
                    number(flags, "--rate", 5, 1, 10_000), number(flags, "--seconds", 120, 1, 86_400),
                    number(flags, "--every", 5, 1, 3_600));
        }

        private static URI url(String text) {
            URI url;
            try {
                url = URI.create(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a URL: " + text);
            }
            if (!"http".equals(url.getScheme()) || url.getHost() == null) {
                throw new IllegalArgumentException("not an http:// base URL: " + text);
            }
            return url;
        }

        private static int number(Map<String, String> flags, String flag, int otherwise, int min, int max) {
            if (!flags.containsKey(flag)) {
                return otherwise;
            }
            try {
                int value = Integer.parseInt(flags.get(flag).trim());
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException ignored) {
                // said below
            }
            throw new IllegalArgumentException(flag + " must be a whole number from " + min + " to " + max
                    + " (got '" + flags.get(flag) + "')");
        }
    }

    /** The servers of {@code ./serve all}, in the order of its ports. */
    static final List<String> SERVE_ALL = List.of("javalin", "undertow", "helidon", "raw-socket");

    private static final int OPEN_PER_SECOND = 1_000;
    private static final long DELIVERY_GRACE_MS = 2_000;
    private static final long OPEN_GRACE_MS = 10_000;

    private final Options options;
    private final PrintStream out;
    private final List<Target> targets = new ArrayList<>();
    private volatile boolean stopping;

    Watch(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** Ends the run early (Ctrl-C): nothing more is published, the summary is printed and every connection closed. */
    void stop() {
        stopping = true;
        synchronized (targets) {
            targets.forEach(target -> target.publisher.stop());
        }
    }

    /** Runs the load; returns how many servers got it (0: none answered). */
    int run() throws IOException, InterruptedException {
        for (int i = 0; i < options.urls().size(); i++) {
            URI url = options.urls().get(i);
            Bench.requireLoopback(url.getHost());
            try {
                String name = serverName(url);
                synchronized (targets) {
                    targets.add(new Target(name + " :" + port(url), url));
                }
            } catch (IOException e) {
                out.println("watch: nothing answers at " + url + " (" + reason(e) + "): start it with "
                        + startCommand(i, url) + "; the others get their load");
            }
        }
        if (targets.isEmpty()) {
            out.println("watch: no server to load");
            return 0;
        }
        int width = targets.stream().mapToInt(target -> target.label.length()).max().orElse(0);
        out.printf("watch: %,d broadcast streams and %,.0f events/s on each of %d servers, for %d s (Ctrl-C ends it)%n",
                options.streams(), options.perSecond(), targets.size(), options.seconds());
        ProcessProbe generator = ProcessProbe.self();
        long generatorCpu = generator.cpuNanos();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(options.seconds());
        try {
            for (Target target : targets) {
                target.start(end);
            }
            long every = TimeUnit.SECONDS.toNanos(options.everySeconds());
            long lastTick = start;
            boolean saidStopping = false;
            while (targets.stream().anyMatch(target -> target.thread.isAlive())) {
                TimeUnit.MILLISECONDS.sleep(50);
                if (stopping && !saidStopping) {
                    out.println("watch: stopping ...");
                    saidStopping = true;
                }
                long now = System.nanoTime();
                if (now - lastTick >= every) {
                    for (Target target : targets) {
                        out.println(target.tick(width, now - start, now - lastTick));
                    }
                    lastTick = now;
                }
            }
            awaitDeliveries();
            for (Target target : targets) {
                target.readerBusy = target.readerBusy(); // while its thread still runs
                target.subscribers.stopCounting();
                target.subscribers.stop();
            }
            double wall = (System.nanoTime() - start) / 1e9;
            out.printf("summary after %.0f s:%n", wall);
            for (Target target : targets) {
                target.summary(width).forEach(out::println);
            }
            double cpu = (generator.cpuNanos() - generatorCpu) / 1e9;
            out.printf("the load generator itself used %.1f s of CPU (%.0f%% of one core)%n", cpu, cpu / wall * 100);
            return targets.size();
        } finally {
            stop();
            for (Target target : targets) {
                if (target.thread != null) {
                    target.thread.join(TimeUnit.SECONDS.toMillis(30));
                }
                target.subscribers.stop();
                target.subscribers.close();
            }
        }
    }

    /** Lets the events published last reach every stream (or the grace period pass). */
    private void awaitDeliveries() throws InterruptedException {
        long graceEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DELIVERY_GRACE_MS);
        while (System.nanoTime() < graceEnd
                && targets.stream().anyMatch(target -> target.subscribers.delivered() < target.expected())) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    /** The {@code server} of the URL's {@code /api/status}: whether it runs, and which stack it is. */
    private static String serverName(URI url) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(url.resolve("/api/status"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IOException("/api/status answered " + answer.statusCode());
        }
        String name = new ObjectMapper().readTree(answer.body()).path("server").asText("");
        return name.isEmpty() ? "server" : name;
    }

    /** How to start the server expected at the {@code i}th URL: {@code ./serve all}'s servers are in this order. */
    private static String startCommand(int i, URI url) {
        if (i >= SERVE_ALL.size()) {
            return "./serve (a server on port " + port(url) + ")";
        }
        int first = port(url) - i;
        return "./serve " + SERVE_ALL.get(i) + " --port " + port(url) + " (or all four: ./serve all"
                + (first == Options.DEFAULT_PORT ? "" : " --port " + first) + ")";
    }

    private static int port(URI url) {
        return url.getPort() < 0 ? 80 : url.getPort();
    }

    private static String reason(Exception e) {
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String millis(Histogram micros, double percentile) {
        return micros.getTotalCount() == 0 ? "-" : String.format("%.1f ms", micros.getValueAtPercentile(percentile) / 1000.0);
    }

    /** One server's load. */
    private final class Target {
        final String label;
        final Subscribers subscribers;
        final Publisher publisher;
        Thread thread;
        private volatile int streamsAtPublish;
        private volatile Publisher.Outcome outcome;
        private long readerCpuAtPublish = -1;
        private long publishStart;
        private long lastDelivered;
        double readerBusy;

        Target(String label, URI url) throws IOException {
            this.label = label;
            this.subscribers = new Subscribers(url.getHost(), port(url));
            this.publisher = new Publisher(url.getHost(), port(url));
        }

        void start(long endNanos) {
            thread = Thread.ofPlatform().name("watch " + label).start(() -> {
                try {
                    load(endNanos);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }

        /** Opens the streams, then publishes until {@code endNanos} (the opening's time counts in the run's). */
        private void load(long endNanos) throws InterruptedException {
            long openDeadlineMs = Math.min(options.streams() * 1000L / OPEN_PER_SECOND + OPEN_GRACE_MS,
                    TimeUnit.SECONDS.toMillis(options.seconds()));
            subscribers.open(new Subscribers.Opening(options.streams(), OPEN_PER_SECOND, LoadRun.MAX_HANDSHAKES,
                    LoadRun.HANDSHAKE_TIMEOUT_MS, openDeadlineMs));
            while (!subscribers.awaitOpened(50, TimeUnit.MILLISECONDS)) {
                if (stopping) {
                    return;
                }
            }
            double seconds = (endNanos - System.nanoTime()) / 1e9;
            if (stopping || seconds <= 0 || subscribers.streaming() == 0) {
                return;
            }
            streamsAtPublish = subscribers.streaming();
            readerCpuAtPublish = subscribers.threadCpuNanos();
            publishStart = System.nanoTime();
            outcome = publisher.openLoop(options.perSecond(), seconds, endNanos, ""); // late sends end on time too
        }

        /** Deliveries to expect: every acknowledged event on every stream open when the publishing began. */
        long expected() {
            Publisher.Outcome done = outcome;
            return done == null ? 0 : done.acknowledged() * streamsAtPublish;
        }

        /** The share of the publishing's time that the streams' reader thread was busy (0 when nothing was published). */
        double readerBusy() {
            Publisher.Outcome done = outcome;
            long cpu = subscribers.threadCpuNanos();
            if (done == null || readerCpuAtPublish < 0 || cpu < 0) {
                return 0;
            }
            return (cpu - readerCpuAtPublish) / (double) (System.nanoTime() - publishStart);
        }

        /** One line: what happened since the last one. */
        String tick(int width, long sinceStart, long sinceLast) {
            long delivered = subscribers.delivered();
            double perSecond = (delivered - lastDelivered) / (sinceLast / 1e9);
            lastDelivered = delivered;
            return String.format("%4d s  %-" + width + "s  streams %,7d  delivered %,9.0f/s  latency p99 %9s",
                    TimeUnit.NANOSECONDS.toSeconds(sinceStart), label, subscribers.streaming(), perSecond,
                    millis(subscribers.latencySince(), 99));
        }

        /** After {@link Subscribers#stop}: the whole run's figures, and what went wrong. */
        List<String> summary(int width) {
            List<String> lines = new ArrayList<>();
            Publisher.Outcome done = outcome;
            Histogram latency = subscribers.latencyMicros();
            lines.add(String.format("  %-" + width + "s  streams %,d of %,d  published %,d  delivered %,d of %,d  "
                            + "latency p50 %s, p99 %s, max %s", label, subscribers.established(), options.streams(),
                    done == null ? 0 : done.acknowledged(), subscribers.delivered(), expected(),
                    millis(latency, 50), millis(latency, 99), millis(latency, 100)));
            String indent = " ".repeat(width + 4);
            subscribers.failed().forEach((why, n) -> lines.add(indent + "failed to open: " + n + " × " + why));
            subscribers.dropped().forEach((why, n) -> lines.add(indent + "dropped: " + n + " × " + why));
            if (done != null) {
                done.failed().forEach((why, n) -> lines.add(indent + "publish failed: " + n + " × " + why));
            }
            if (readerBusy > LoadRun.BUSY_GENERATOR) {
                lines.add(indent + LoadRun.busyNote(readerBusy));
            }
            return lines;
        }
    }
}
