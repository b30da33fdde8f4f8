package workshop.sse.rawsocket.selftest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import workshop.sse.tck.RunAgainst;

/** The kit proves itself: against the real server, through a proxy, every check passes. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KitCatchesEveryFaultTest {

    /** How one run of the kit went: the kit's own report (a line per check), and the proxy's failures, if any. */
    private record Outcome(int failed, String report, List<String> proxyErrors) {
    }

    private static Outcome run(String only) {
        FaultyRawSocketTck.Run run = new FaultyRawSocketTck.Run();
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
        Outcome outcome = run(null);
        assertEquals(List.of(), outcome.proxyErrors(), "the proxy failed itself");
        assertEquals(0, outcome.failed(), () -> "the kit failed against the unbroken server through the proxy, which"
                + " must pass on every byte as it is:\n" + outcome.report());
    }
}
