package workshop.sse.tck;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.regex.Pattern;

import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.PostDiscoveryFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs the kit against any running server:
 *
 * <pre>
 * java -jar shared-tck/target/shared-tck.jar http://127.0.0.1:8080 [--command "&lt;shell command starting the server&gt;"]
 *     [--only &lt;regex&gt;] [--insecure]
 * </pre>
 *
 * The first line says what the kit speaks to the server: for an {@code https://} URL, what the server chose by ALPN
 * ({@code over HTTP/2 (TLS, ALPN h2)}, say). Over TLS the kit trusts what the JDK trusts, or with {@code --insecure}
 * any certificate (a self-signed one); the processes {@code --command} starts then get {@code TLS=self-signed}.
 *
 * Prints one line per check ({@code PASS}, {@code FAIL} with a reason, {@code SKIP} with a reason), then, last,
 * {@code N passed, M failed, K skipped}. Exits 0 only when nothing failed. With {@code --command}, the "Running"
 * checks start the server that way themselves (settings in the environment, PORT=0). With {@code --only}, only the
 * checks of a rule or section of SPEC.md run ({@code --only 3.4}, {@code --only 9}), or those whose display name (or
 * method name) matches a pattern ({@code --only cross-origin}). Before the summary: the count per SPEC section.
 */
public final class RunAgainst {

    private RunAgainst() {
    }

    public static void main(String[] args) {
        String url = null;
        String command = null;
        String only = null;
        boolean insecure = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--insecure")) {
                insecure = true;
            } else if (args[i].equals("--command") && i + 1 < args.length) {
                command = args[++i];
            } else if (args[i].equals("--only") && i + 1 < args.length) {
                only = args[++i];
            } else if (url == null && !args[i].startsWith("--")) {
                url = args[i];
            } else {
                usage("unexpected argument: " + args[i]);
            }
        }
        if (url == null || !url.matches("https?://.+")) {
            usage(url == null ? "no base URL given" : "not an http:// or https:// URL: " + url);
        }
        try {
            KitProtocol protocol = KitProtocol.of(URI.create(url), insecure ? KitTls.insecure() : KitTls.verifying());
            System.out.println("checking " + url + " " + protocol.describe());
        } catch (IOException | RuntimeException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
        System.setProperty(RemoteServerTck.BASE_URI, url);
        System.setProperty(RemoteServerTck.INSECURE, String.valueOf(insecure));
        if (command != null) {
            System.setProperty(RemoteServerTck.COMMAND, command);
        }

        System.exit(run(RemoteServerTck.class, only, System.out) == 0 ? 0 : 1);
    }

    /**
     * Runs the checks of one concrete kit class, printing a line per check, the count per SPEC section, and the
     * summary last. {@code only} (null for all) is a rule or section ({@code 3.4}, {@code 3}, {@code 3.4,5.2}),
     * or else a pattern for the checks' names.
     *
     * @return the number of failed checks
     */
    public static int run(Class<? extends SseServerTck> kit, String only, PrintStream out) {
        // exactly one class: the concrete one. The checks of its groups (interfaces) run once, through it.
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(kit))
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false");
        if (only != null) {
            request.filters(only(only));
        }
        Report report = new Report(out);
        LauncherFactory.create().execute(request.build(), report);
        report.bySection().forEach(out::println);
        out.println(report.summary());
        out.flush();
        return report.failed;
    }

    /**
     * Keeps the checks of the rules {@code only} names ({@code 3.4}, a section {@code 3}, or several), or else the
     * checks whose display name or method name contains a match of {@code only} as a pattern.
     */
    private static PostDiscoveryFilter only(String only) {
        Pattern pattern = SpecRules.isSelector(only) ? null : Pattern.compile(only);
        return descriptor -> {
            Optional<MethodSource> method = descriptor.getSource()
                    .filter(MethodSource.class::isInstance).map(MethodSource.class::cast);
            if (method.isEmpty()) {
                return FilterResult.included("not a check"); // classes: emptied ones are pruned
            }
            boolean matches = pattern == null
                    ? SpecRules.selects(only, SpecRules.cited(descriptor.getDisplayName()))
                    : pattern.matcher(descriptor.getDisplayName()).find()
                            || pattern.matcher(method.get().getMethodName()).find();
            return FilterResult.includedIf(matches, () -> "matches --only", () -> "does not match --only");
        };
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: java -jar shared-tck.jar <base URL, e.g. http://127.0.0.1:8080>"
                + " [--command \"<shell command that starts the server>\"] [--insecure (trust any certificate)]"
                + " [--only <a rule or section of SPEC.md, e.g. 3.4 or 3, or a regex on check names>]");
        System.exit(2);
    }

    /** Prints a line per check as it finishes, and counts. */
    private static final class Report implements TestExecutionListener {
        private final PrintStream out;
        private TestPlan plan;
        private int passed;
        private int failed;
        private int skipped;
        private final Map<Integer, int[]> sections = new TreeMap<>(); // passed, failed, skipped per SPEC section

        Report(PrintStream out) {
            this.out = out;
        }

        @Override
        public void testPlanExecutionStarted(TestPlan testPlan) {
            plan = testPlan;
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            skipped++;
            count(id, 2);
            out.println("SKIP  " + name(id) + ": " + oneLine(reason));
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            String reason = result.getThrowable().map(RunAgainst::reason).orElse("");
            switch (result.getStatus()) {
                case SUCCESSFUL -> {
                    if (id.isTest()) {
                        passed++;
                        count(id, 0);
                        out.println("PASS  " + name(id));
                    }
                }
                case ABORTED -> {
                    // a container is aborted only when all of it is: count it as one
                    skipped++;
                    count(id, 2);
                    out.println("SKIP  " + name(id) + ": " + reason.replaceFirst("^Assumption failed: ", ""));
                }
                case FAILED -> {
                    // a failed container (the server did not start, say) is reported too: its checks did not run
                    failed++;
                    count(id, 1);
                    out.println("FAIL  " + name(id) + ": " + reason);
                }
            }
            out.flush();
        }

        /** The display name; an invocation of a parameterized check gets its check's name in front. */
        private String name(TestIdentifier id) {
            Optional<TestIdentifier> parent = plan == null ? Optional.empty() : plan.getParent(id);
            if (parent.isPresent() && parent.get().getSource().filter(MethodSource.class::isInstance).isPresent()) {
                return parent.get().getDisplayName() + " [" + id.getDisplayName() + "]";
            }
            return id.getDisplayName();
        }

        /** Counts a check under the section of the first rule it cites. */
        private void count(TestIdentifier id, int outcome) {
            List<String> rules = SpecRules.cited(name(id));
            if (!rules.isEmpty()) {
                sections.computeIfAbsent(SpecRules.section(rules.get(0)), s -> new int[3])[outcome]++;
            }
        }

        /** One line per SPEC section the run touched: how its checks went. */
        List<String> bySection() {
            List<String> lines = new ArrayList<>();
            sections.forEach((section, counts) -> lines.add(String.format("  section %-24s %3d passed, %d failed%s",
                    SpecRules.describe(section) + ":", counts[0], counts[1],
                    counts[2] > 0 ? ", " + counts[2] + " skipped" : "")));
            return lines;
        }

        String summary() {
            return passed + " passed, " + failed + " failed" + (skipped > 0 ? ", " + skipped + " skipped" : "");
        }
    }

    private static String reason(Throwable failure) {
        String message = failure.getMessage();
        return oneLine(message == null || message.isBlank() ? failure.getClass().getSimpleName() : message);
    }

    private static String oneLine(String text) {
        String line = text == null ? "" : text.strip().replaceAll("\\s*[\\r\\n]+\\s*", " | ");
        return line.length() > 600 ? line.substring(0, 600) + "..." : line;
    }
}
