package workshop.sse.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The comparison's output: every run's figures as JSON, and from them the medians as a Markdown table (which the
 * README embeds between its {@code bench} markers) and an SVG chart. Nothing in them is typed by hand.
 */
final class Report {

    /** A chart panel: one figure of one profile (by name), and the target it is held to. */
    private record Panel(String profile, Figure figure, double target, String targetText) {
    }

    private static final List<Panel> PANELS = List.of(
            new Panel("idle", Figure.ESTABLISHED, Double.NaN, "target: all"), // as many as the profile opens
            new Panel("idle", Figure.RSS_PER_STREAM_KIB, 20, "target ≤ 20 KiB"),
            new Panel("steady", Figure.LATENCY_P99_MS, 20, "target ≤ 20 ms"),
            new Panel("steady", Figure.CPU_PER_DELIVERY_US, 10, "target ≤ 10 µs"),
            new Panel("burst", Figure.DELIVERIES_PER_SECOND, 80_000, "target ≥ 80,000/s"),
            new Panel("burst", Figure.LATENCY_P99_MS, 250, "target ≤ 250 ms"));

    private final List<Comparison.Contestant> contestants;
    private final Map<Profile, Map<String, List<Comparison.Run>>> results;
    private final Map<String, Profiler.Cpu> cpu;
    private final int runs;
    private final String command;

    Report(List<Comparison.Contestant> contestants, Map<Profile, Map<String, List<Comparison.Run>>> results,
           Map<String, Profiler.Cpu> cpu, int runs, String command) {
        this.contestants = contestants;
        this.results = results;
        this.cpu = cpu;
        this.runs = runs;
        this.command = command;
    }

    /**
     * Writes the JSON to {@code json} (where the servers serve it: results.html charts it), the table and the chart
     * to {@code dir}, and the table into {@code readme} when there is one.
     */
    void write(Path dir, Path json, Path readme) throws IOException {
        Files.createDirectories(dir);
        Files.createDirectories(json.toAbsolutePath().getParent());
        Files.writeString(json, json(), StandardCharsets.UTF_8);
        String table = markdown() + "\n" + whereItGoes();
        Files.writeString(dir.resolve("results.md"), table + "\n" + details(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("results.svg"), svg(), StandardCharsets.UTF_8);
        if (readme != null) {
            embed(readme, table);
        }
    }

    double median(Profile profile, String server, Figure figure) {
        double[] values = runs(profile, server).stream().mapToDouble(r -> r.result().get(figure))
                .filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    /** (max − min) / median of a figure over the runs: how noisy the machine was. */
    double spread(Profile profile, String server, Figure figure) {
        double[] values = runs(profile, server).stream().mapToDouble(r -> r.result().get(figure))
                .filter(v -> !Double.isNaN(v)).toArray();
        double median = median(profile, server, figure);
        if (values.length < 2 || median == 0 || Double.isNaN(median)) {
            return 0;
        }
        return (Arrays.stream(values).max().orElse(0) - Arrays.stream(values).min().orElse(0)) / Math.abs(median);
    }

    /** The runs of one server in one profile: none when that server was not measured (a run without the floor). */
    private List<Comparison.Run> runs(Profile profile, String server) {
        return results.get(profile).getOrDefault(server, List.of());
    }

    String json() throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("generated", Instant.now().toString());
        root.put("command", command);
        root.put("runs", runs);
        ObjectNode machine = root.putObject("machine");
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("java", Runtime.version().toString());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        ArrayNode servers = root.putArray("servers");
        contestants.forEach(c -> servers.addObject().put("name", c.name()).put("label", c.label()));
        ArrayNode profiles = root.putArray("profiles");
        for (var entry : results.entrySet()) {
            Profile profile = entry.getKey();
            ObjectNode p = profiles.addObject();
            p.put("name", profile.name()).put("title", profile.title()).put("streams", profile.streams())
                    .put("events", profile.events());
            ArrayNode shown = p.putArray("shown");
            profile.shown().forEach(f -> shown.add(f.key));
            ObjectNode byServer = p.putObject("results");
            for (var server : entry.getValue().entrySet()) {
                ObjectNode s = byServer.putObject(server.getKey());
                ObjectNode median = s.putObject("median");
                ObjectNode spread = s.putObject("spread");
                for (Figure figure : Figure.values()) {
                    put(median, figure.key, median(profile, server.getKey(), figure));
                    put(spread, figure.key, spread(profile, server.getKey(), figure));
                }
                ArrayNode runList = s.putArray("runs");
                for (Comparison.Run run : server.getValue()) {
                    ObjectNode r = runList.addObject();
                    ObjectNode figures = r.putObject("figures");
                    run.result().figures().forEach((f, v) -> put(figures, f.key, v));
                    r.set("failed", mapper.valueToTree(run.result().failed()));
                    r.set("dropped", mapper.valueToTree(run.result().dropped()));
                    r.set("publishFailed", mapper.valueToTree(run.result().publishFailed()));
                    r.set("notes", mapper.valueToTree(run.result().notes()));
                    r.set("log", mapper.valueToTree(run.noise().stream().limit(20).toList()));
                    r.put("logLines", run.noise().size());
                    if (run.heap() != null) {
                        r.set("heap", mapper.valueToTree(run.heap()));
                    }
                }
            }
        }
        root.set("cpu", mapper.valueToTree(cpu));
        root.setAll(legend(mapper));
        return mapper.writeValueAsString(root) + "\n";
    }

    /**
     * What a reader of the JSON needs to show the figures without this code: each figure's label, unit, decimals and
     * which way is better, and the targets the chart marks.
     */
    static ObjectNode legend(ObjectMapper mapper) {
        ObjectNode legend = mapper.createObjectNode();
        ObjectNode figures = legend.putObject("figures");
        for (Figure figure : Figure.values()) {
            figures.putObject(figure.key).put("label", figure.label).put("unit", figure.unit)
                    .put("decimals", figure.decimals).put("better", figure.better.name().toLowerCase(Locale.ROOT));
        }
        ArrayNode targets = legend.putArray("targets");
        for (Panel panel : PANELS) {
            ObjectNode target = targets.addObject().put("profile", panel.profile()).put("figure", panel.figure().key)
                    .put("text", panel.targetText());
            put(target, "value", panel.target());
        }
        return legend;
    }

    private static void put(ObjectNode node, String key, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            node.putNull(key);
        } else {
            node.put(key, Math.round(value * 1000) / 1000.0);
        }
    }

    /** The medians, one table per profile, each stack also as a ratio to the floor. */
    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("Median of ").append(runs).append(runs == 1 ? " run" : " runs")
                .append(contestants.stream().anyMatch(c -> c.name().equals("floor"))
                        ? "; in brackets, the ratio to the floor measured in the same run" : "")
                .append(". Generated by `").append(command).append("`.\n");
        for (var entry : results.entrySet()) {
            Profile profile = entry.getKey();
            md.append("\n**").append(profile.title()).append("**\n\n| |");
            contestants.forEach(c -> md.append(' ').append(c.label()).append(" |"));
            md.append("\n|---|");
            contestants.forEach(c -> md.append("---|"));
            md.append('\n');
            for (Figure figure : profile.shown()) {
                md.append("| ").append(figure.label).append(" |");
                double floor = median(profile, "floor", figure);
                for (Comparison.Contestant c : contestants) {
                    double value = median(profile, c.name(), figure);
                    md.append(' ').append(figure.format(value));
                    if (!c.name().equals("floor") && figure.better != Figure.Better.NEITHER && floor > 0
                            && !Double.isNaN(value) && isRatio(figure)) {
                        md.append(String.format(Locale.ROOT, " (×%.1f)", value / floor));
                    }
                    md.append(" |");
                }
                md.append('\n');
            }
            md.append("| spread of the runs' ").append(profile.headline().label).append(" (max − min) / median |");
            for (Comparison.Contestant c : contestants) {
                md.append(String.format(Locale.ROOT, " %.0f%% |", spread(profile, c.name(), profile.headline()) * 100));
            }
            md.append("\n| lines in the server's log |");
            for (Comparison.Contestant c : contestants) {
                md.append(' ').append(runs(profile, c.name()).stream().mapToInt(r -> r.noise().size()).sum())
                        .append(" |");
            }
            md.append('\n');
        }
        return md.toString();
    }

    /**
     * What the servers spend their memory and CPU on: the measured reasons behind the figures. The heap after a full
     * GC at the end of each idle run (per stream, with the classes that hold most of it, from the first run), and
     * where the execution samples of one recorded steady run fell.
     */
    String whereItGoes() {
        StringBuilder md = new StringBuilder();
        Profile idle = profile("idle");
        if (idle != null) {
            md.append("**Where the memory goes**: the live heap after a full GC with every idle stream open, per stream "
                    + "(`jcmd <pid> GC.class_histogram`; the server's fixed heap is spread over the streams too), and "
                    + "the classes that hold most of it, from the first run.\n\n");
            for (Comparison.Contestant c : contestants) {
                double[] perStream = runs(idle, c.name()).stream().filter(r -> r.heap() != null)
                        .mapToDouble(r -> r.heap().perStreamKiB()).sorted().toArray();
                Profiler.Heap first = runs(idle, c.name()).stream().map(Comparison.Run::heap)
                        .filter(java.util.Objects::nonNull).findFirst().orElse(null);
                if (first == null) {
                    continue;
                }
                md.append(String.format(Locale.ROOT, "- %s: %.1f KiB per stream:", c.label(), perStream[perStream.length / 2]));
                first.topClassesKiB().stream().limit(5).forEach(s -> md.append(String.format(Locale.ROOT,
                        " `%s` %.1f KiB,", s.name(), s.value())));
                md.setLength(md.length() - 1);
                md.append('\n');
            }
        }
        if (!cpu.isEmpty()) {
            md.append("\n**Where the CPU goes**: one more run of the steady profile per server, recorded with JFR "
                    + "(`jcmd <pid> JFR.start`); of the samples taken while Java code ran, the share of each class "
                    + "whose work it was (the first frame on the stack that is not the JDK's), then the hottest methods. "
                    + "Time in the kernel, the socket writes themselves, is not sampled.\n\n");
            for (Comparison.Contestant c : contestants) {
                Profiler.Cpu profile = cpu.get(c.name());
                if (profile == null || profile.samples() == 0) {
                    continue;
                }
                md.append("- ").append(c.label()).append(" (").append(profile.samples()).append(" samples): ");
                profile.byCode().stream().limit(5).forEach(s -> md.append(String.format(Locale.ROOT, "`%s` %.0f%%, ",
                        Profiler.shortType(s.name()), s.value())));
                md.append("hottest: ");
                profile.hotMethods().stream().limit(4).forEach(s -> md.append(String.format(Locale.ROOT, "`%s` %.0f%%, ",
                        s.name(), s.value())));
                md.setLength(md.length() - 2);
                md.append('\n');
            }
        }
        return md.toString();
    }

    /** Counts (established, lost) compare badly as ratios; times, rates and sizes do. */
    private static boolean isRatio(Figure figure) {
        return !figure.unit.isEmpty();
    }

    /** Every run, every figure: the raw material behind the medians. */
    String details() {
        StringBuilder md = new StringBuilder("\n## Every run\n");
        for (var entry : results.entrySet()) {
            md.append("\n### ").append(entry.getKey().title()).append("\n\n");
            for (var server : entry.getValue().entrySet()) {
                int n = 1;
                for (Comparison.Run run : server.getValue()) {
                    md.append("- ").append(server.getKey()).append(" run ").append(n++).append(':');
                    run.result().figures().forEach((f, v) -> md.append(' ').append(f.key).append('=')
                            .append(f.format(v)).append(','));
                    if (!run.result().failed().isEmpty()) {
                        md.append(" failed ").append(run.result().failed()).append(',');
                    }
                    if (!run.result().dropped().isEmpty()) {
                        md.append(" dropped ").append(run.result().dropped()).append(',');
                    }
                    run.result().notes().forEach(note -> md.append(" (").append(note).append(')'));
                    if (!run.noise().isEmpty()) {
                        md.append(" log: ").append(run.noise().size()).append(" lines, first `")
                                .append(run.noise().get(0).replace('`', '\'')).append('`');
                    }
                    md.append('\n');
                }
            }
        }
        return md.toString();
    }

    /** Small bar charts, one per headline figure, each with its target. */
    String svg() {
        int panelWidth = 440;
        int panelHeight = 40 + 22 * contestants.size();
        int columns = 2;
        List<Panel> panels = PANELS.stream().filter(p -> profile(p.profile()) != null).toList();
        int rows = (panels.size() + columns - 1) / columns;
        int width = panelWidth * columns + 20;
        int height = rows * (panelHeight + 16) + 36;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n", width, height, width, height));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">"
                + "SSE stacks under load: median of %d runs, floor in grey</text>\n", runs));
        for (int i = 0; i < panels.size(); i++) {
            int x = 10 + (i % columns) * panelWidth;
            int y = 36 + (i / columns) * (panelHeight + 16);
            panel(svg, panels.get(i), x, y, panelWidth - 20);
        }
        return svg.append("</svg>\n").toString();
    }

    private Profile profile(String name) {
        return results.keySet().stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }

    private void panel(StringBuilder svg, Panel panel, int x, int y, int width) {
        int labelWidth = 80;
        int barMax = width - labelWidth - 80;
        Profile profile = profile(panel.profile());
        List<Double> values = new ArrayList<>();
        contestants.forEach(c -> values.add(median(profile, c.name(), panel.figure())));
        double target = panel.figure() == Figure.ESTABLISHED ? profile.streams() : panel.target();
        double max = Math.max(target, values.stream().filter(v -> !Double.isNaN(v))
                .mapToDouble(Double::doubleValue).max().orElse(1));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s: %s</text>\n", x,
                y + 14, escape(panel.profile()), escape(panel.figure().label + unitSuffix(panel.figure()))));
        for (int i = 0; i < contestants.size(); i++) {
            Comparison.Contestant c = contestants.get(i);
            double value = values.get(i);
            int barY = y + 24 + i * 22;
            int barWidth = Double.isNaN(value) ? 0 : (int) Math.round(barMax * value / max);
            String fill = c.name().equals("floor") ? "#9e9e9e" : meets(panel.figure(), target, value) ? "#2e7d32" : "#c62828";
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
                    x + labelWidth - 6, barY + 13, escape(c.label())));
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"%s\"/>\n",
                    x + labelWidth, barY, barWidth, fill));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>\n", x + labelWidth + barWidth + 4,
                    barY + 13, escape(panel.figure().format(value))));
        }
        if (!Double.isNaN(target)) {
            int tx = x + labelWidth + (int) Math.round(barMax * target / max);
            int bottom = y + 24 + contestants.size() * 22;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\" "
                    + "stroke-dasharray=\"4 3\"/>\n", tx, y + 20, tx, bottom));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"10\" fill=\"#333\" "
                    + "text-anchor=\"end\">%s</text>\n", x + width, y + 14, escape(panel.targetText())));
        }
    }

    private static boolean meets(Figure figure, double target, double value) {
        if (Double.isNaN(value)) {
            return false;
        }
        return figure.better == Figure.Better.HIGHER ? value >= target : value <= target;
    }

    private static String unitSuffix(Figure figure) {
        return figure.unit.isEmpty() || figure.unit.equals("/s") ? "" : " (" + figure.unit + ")";
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Replaces what stands between the README's bench markers with the table. */
    static void embed(Path readme, String table) throws IOException {
        embed(readme, "bench", table);
    }

    /** Replaces what stands between the README's {@code <!-- NAME:begin ... -->} and {@code NAME:end} markers. */
    static void embed(Path readme, String name, String table) throws IOException {
        String begin = "<!-- " + name + ":begin (generated by ./benchmark; edits here are overwritten) -->";
        String end = "<!-- " + name + ":end -->";
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IOException(readme + " has no " + begin + " ... " + end + " section for the table");
        }
        Files.writeString(readme, text.substring(0, from + begin.length()) + "\n" + table + text.substring(to),
                StandardCharsets.UTF_8);
    }
}
