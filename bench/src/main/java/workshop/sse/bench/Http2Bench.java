package workshop.sse.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code bench http2}: the same broadcast streams over HTTP/2 with TLS, many on each connection, and over HTTP/1.1
 * with TLS, one connection each, on the stacks that offer HTTP/2 (the raw server over HTTP/1.1 only), with the floor
 * measured in the same run; medians of several runs, each server fresh for every run. Writes docs/bench/http2.md.
 */
final class Http2Bench {

    static final String FILE = "http2.md";

    private Http2Bench() {
    }

    /** The floor and every workspace server (or those named), over TLS as {@link Comparison#overTls} pairs them. */
    static List<Comparison.Contestant> contestants(Path root, List<String> wanted) {
        List<Comparison.Contestant> servers = Comparison.workspace(root).stream()
                .filter(c -> wanted.isEmpty() || wanted.contains(c.name())).toList();
        return Comparison.overTls(servers);
    }

    /** Runs {@code profile} against {@code contestants}, and returns the report's Markdown. */
    static String run(List<Comparison.Contestant> contestants, Profile profile, int runs, Path logs, String command)
            throws Exception {
        Comparison comparison = new Comparison(contestants, List.of(profile), runs, logs, false);
        return markdown(profile, new Report(contestants, comparison.run(), java.util.Map.of(), runs, command));
    }

    static Path write(Path dir, String markdown) throws java.io.IOException {
        Files.createDirectories(dir);
        Path out = dir.resolve(FILE);
        Files.writeString(out, markdown);
        return out;
    }

    /** The table, what its columns are, and every run after it. */
    static String markdown(Profile profile, Report report) {
        return "# The stacks over HTTP/2 and HTTP/1.1, with TLS\n\n"
                + "The same " + String.format(java.util.Locale.ROOT, "%,d", profile.streams()) + " broadcast streams, "
                + "opened by Jetty's HttpClient: over HTTP/2 (`h2`, by ALPN) as many on each connection as the "
                + "server's `SETTINGS_MAX_CONCURRENT_STREAMS` allows (the client opens another connection when one is "
                + "full, at least " + ClientStreams.STREAMS_PER_CONNECTION + " on each), and over HTTP/1.1 one "
                + "connection each, both with TLS (each server started with `TLS=self-signed`). The raw server speaks "
                + "HTTP/1.1 only. The publisher posts over TLS, HTTP/1.1. RSS per stream and threads are read once "
                + "every stream is open: over HTTP/2 a connection's TLS session and buffers are shared by its "
                + "streams. The floor (the bench's minimal broadcaster, cleartext HTTP/1.1, read by the same client) "
                + "runs in the same run: the ratios in brackets are to it, so they carry TLS's cost too. After each "
                + "run every stream is reset at once (over HTTP/1.1 its connection closed) and one more event "
                + "finds them gone; the server's log must stay empty.\n\n"
                + report.markdown() + report.details();
    }
}
