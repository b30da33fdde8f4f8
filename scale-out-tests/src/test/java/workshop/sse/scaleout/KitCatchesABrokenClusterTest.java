package workshop.sse.scaleout;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import workshop.sse.tck.RunAgainst;
import workshop.sse.tck.SpecRules;

/**
 * The kit's checks of section 11 must fail against instances that share nothing (each with a Redis of its own):
 * every rule they check, broken at once. (The raw-socket server's self-test breaks the rules of one instance.)
 */
class KitCatchesABrokenClusterTest {

    private static final List<String> RULES = List.of("11.2", "11.3", "11.4", "11.5", "11.7", "11.8");

    @Test
    void everyClusterRuleFailsWhenTheInstancesShareNothing() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RunAgainst.run(SharedNothingCluster.class, "11", new PrintStream(out, true, UTF_8));
        String report = out.toString(UTF_8);
        List<String> failed = report.lines().filter(line -> line.startsWith("FAIL  ")).map(line -> line.substring(6))
                .toList();
        for (String rule : RULES) {
            List<String> caughtBy = failed.stream().filter(check -> SpecRules.cited(check).contains(rule)).toList();
            assertTrue(!caughtBy.isEmpty(),
                    () -> "no check of " + rule + " failed against instances that share nothing:\n" + report);
            System.out.println("caught " + rule + " by " + caughtBy.get(0));
        }
    }
}
