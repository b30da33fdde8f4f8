package workshop.sse.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Each server module's README shows its own figures beside the floor's, taken from the comparison's results.json
 * (written by {@code ./benchmark}), between the same markers as the root README's table. Nothing is typed by hand.
 */
final class ModuleFigures {

    /** A figure of one profile, as one row: what it measures, in words. */
    private record Row(String profile, Figure figure, String what) {
    }

    private static final List<Row> ROWS = List.of(
            new Row("idle", Figure.RSS_PER_STREAM_KIB, "memory (RSS) per stream, 10,000 idle streams"),
            new Row("steady", Figure.LATENCY_P99_MS, "latency p99, 1,000 streams × 50 events/s"),
            new Row("steady", Figure.CPU_PER_DELIVERY_US, "server CPU per delivered event, same"),
            new Row("burst", Figure.DELIVERIES_PER_SECOND, "deliveries/s, 10,000 streams × 100 events back to back"),
            new Row("burst", Figure.LATENCY_P99_MS, "latency p99, same"));

    private ModuleFigures() {
    }

    /** Writes every server module's section from {@code results}; returns the READMEs it wrote. */
    static List<Path> embedAll(Path results, Path root) throws IOException {
        JsonNode json = new ObjectMapper().readTree(results.toFile());
        List<Path> written = new ArrayList<>();
        for (JsonNode server : json.path("servers")) {
            String name = server.path("name").asText();
            Path readme = root.resolve(name + "-server").resolve("README.md");
            if (name.equals("floor") || !Files.exists(readme)) {
                continue;
            }
            Report.embed(readme, section(json, name));
            written.add(readme);
        }
        return written;
    }

    static String section(JsonNode json, String server) {
        StringBuilder text = new StringBuilder();
        text.append("Median of ").append(json.path("runs").asInt()).append(" runs of `./benchmark` (")
                .append(json.path("generated").asText().substring(0, 10)).append(", ")
                .append(json.path("machine").path("cores").asInt()).append(" cores), beside the floor measured in")
                .append(" the same runs (a minimal broadcaster: see the root README):\n\n");
        text.append("| | this server | floor |\n|---|---|---|\n");
        for (Row row : ROWS) {
            JsonNode results = profile(json, row.profile()).path("results");
            text.append("| ").append(row.what()).append(" | ")
                    .append(value(results.path(server), row.figure())).append(" | ")
                    .append(value(results.path("floor"), row.figure())).append(" |\n");
        }
        return text.toString();
    }

    private static JsonNode profile(JsonNode json, String name) {
        for (JsonNode profile : json.path("profiles")) {
            if (profile.path("name").asText().equals(name)) {
                return profile;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static String value(JsonNode server, Figure figure) {
        JsonNode median = server.path("median").path(figure.key);
        return median.isNumber() ? figure.format(median.asDouble()) : "–";
    }
}
