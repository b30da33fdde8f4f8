package workshop.sse.rawsocket.selftest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import workshop.sse.tck.RunAgainst;
import workshop.sse.tck.SpecRules;

/**
 * The kit proves itself: against the real server broken in one rule (a {@link Fault}), the kit's checks of that rule
 * fail; against the same server unbroken, through the same proxy, every check passes; and every rule the kit claims to
 * check has a fault that it catches.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KitCatchesEveryFaultTest {

    /** Fault runs at a time, each with its own server and proxy. (The unbroken run, whose timings count, runs alone.) */
    private static final int AT_A_TIME = 3;

    /** How one run of the kit went: the kit's own report (a line per check), and the proxy's failures, if any. */
    private record Outcome(int failed, String report, List<String> proxyErrors) {
        List<String> failedChecks() {
            return report.lines().filter(line -> line.startsWith("FAIL  ")).map(line -> line.substring(6)).toList();
        }
    }

    private static Outcome run(Fault fault, String only) {
        FaultyRawSocketTck.Run run = new FaultyRawSocketTck.Run(fault);
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        FaultyRawSocketTck.RUN.set(run);
        try {
            int failed = RunAgainst.run(FaultyRawSocketTck.class, only, new PrintStream(report, true, UTF_8));
            return new Outcome(failed, report.toString(UTF_8), List.copyOf(run.proxyErrors()));
        } finally {
            FaultyRawSocketTck.RUN.remove();
        }
    }

    @Test
    @Order(1)
    @DisplayName("the whole kit passes against the unbroken server through the proxy")
    void theUnbrokenServerPasses() {
        Outcome outcome = run(null, null);
        assertEquals(List.of(), outcome.proxyErrors(), "the proxy failed itself");
        assertEquals(0, outcome.failed(), () -> "the kit failed against the unbroken server through the proxy, which"
                + " must pass on every byte as it is:\n" + outcome.report());
    }

    @Test
    @Order(2)
    @DisplayName("every rule the kit checks has a fault, and every fault breaks a rule the kit checks")
    void everyCheckedRuleHasAFault() {
        Set<String> checked = rulesTheKitChecks();
        Set<String> broken = byNumber();
        Arrays.stream(Fault.values()).forEach(fault -> broken.addAll(fault.rules()));
        Set<String> unbroken = byNumber();
        unbroken.addAll(checked);
        unbroken.removeAll(broken);
        assertEquals(Set.of(), unbroken, "rules the kit checks (in part, at least) that no Fault breaks");
        Set<String> unchecked = byNumber();
        unchecked.addAll(broken);
        unchecked.removeAll(checked);
        assertEquals(Set.of(), unchecked, "Faults of rules that no check of the kit cites");
        System.out.println(Fault.values().length + " faults break the " + checked.size() + " rules the kit checks");
    }

    /**
     * The rules cited by the kit's checks, but for those only listed as "untested in part" (UntestedRules), and for
     * those of several instances (section 11 after 11.1).
     */
    private static Set<String> rulesTheKitChecks() {
        TestPlan plan = LauncherFactory.create().discover(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(FaultyRawSocketTck.class))
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false")
                .build());
        Set<String> rules = byNumber();
        for (TestIdentifier root : plan.getRoots()) {
            plan.getDescendants(root).stream()
                    .filter(id -> id.getSource().filter(MethodSource.class::isInstance).isPresent())
                    .map(TestIdentifier::getDisplayName)
                    .filter(name -> !name.contains(" untested"))
                    .forEach(name -> rules.addAll(SpecRules.cited(name)));
        }
        // One instance cannot break the rules of several: scale-out-tests' KitCatchesABrokenClusterTest breaks those.
        rules.removeIf(rule -> rule.startsWith("11.") && !rule.equals("11.1"));
        // The raw server speaks no HTTP/2 (its README says why), so it cannot break the rules of HTTP/2 alone; each of
        // their checks was proved to fail once against a framework stack broken by hand.
        rules.removeAll(List.of("12.4", "12.5", "12.6", "12.8", "12.9"));
        assertTrue(rules.size() > 40, () -> "the kit's checks cite only " + rules);
        return rules;
    }

    private static Set<String> byNumber() {
        return new TreeSet<>(Comparator.comparing((String rule) -> SpecRules.section(rule))
                .thenComparing(rule -> Integer.parseInt(rule.substring(rule.indexOf('.') + 1))));
    }

    @TestFactory
    @Order(3)
    @DisplayName("the kit catches every fault")
    Stream<DynamicTest> everyFaultIsCaught() {
        ExecutorService runner = Executors.newFixedThreadPool(AT_A_TIME, Thread.ofPlatform().daemon().factory());
        Map<Fault, Future<Outcome>> runs = new LinkedHashMap<>();
        for (Fault fault : Fault.values()) {
            runs.put(fault, runner.submit(() -> run(fault, String.join(",", fault.rules()))));
        }
        runner.shutdown();
        return runs.entrySet().stream().map(run -> dynamicTest(run.getKey().describe(),
                () -> assertCaught(run.getKey(), run.getValue().get())));
    }

    /** Each rule the fault breaks has a check that failed, and the proxy did not fail itself (that would prove nothing). */
    private static void assertCaught(Fault fault, Outcome outcome) {
        assertEquals(List.of(), outcome.proxyErrors(), () -> fault.describe() + ": the proxy failed itself, so a failed"
                + " check proves nothing:\n" + outcome.report());
        for (String rule : fault.rules()) {
            List<String> caughtBy = outcome.failedChecks().stream()
                    .filter(check -> SpecRules.cited(check).contains(rule)).toList();
            assertTrue(!caughtBy.isEmpty(), () -> "the kit did not catch " + fault.describe() + ": no check of " + rule
                    + " failed\n" + outcome.report());
            System.out.println("caught " + fault.describe() + "\n    by " + caughtBy.size() + " failed check(s), first "
                    + caughtBy.get(0));
        }
    }
}
