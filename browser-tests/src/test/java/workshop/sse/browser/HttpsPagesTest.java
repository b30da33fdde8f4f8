package workshop.sse.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import workshop.sse.core.launch.Launcher;
import workshop.sse.core.launch.ServerCertificate;

/**
 * The pages over HTTPS, as {@code ./serve all --tls} serves them: the four servers on four consecutive ports with
 * one self-signed certificate, which this test's browser (and only it) trusts. Javalin, Undertow and Helidon speak
 * HTTP/2 there, and the connection-limit lab has nothing to show: every stream opens at once. The raw-socket server
 * speaks HTTP/1.1 over TLS, and its lab still waits.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpsPagesTest {

    private static final List<String> NAMES = List.of("javalin", "undertow", "helidon", "raw-socket");
    private static final int LAB_STREAMS = 7;

    private final List<Launcher.Running> servers = new ArrayList<>();
    private Path certificateDir;
    private int firstPort;
    private Browser browser;

    @BeforeAll
    void start() throws Exception {
        certificateDir = Files.createTempDirectory("sse-workshop-tls");
        Path cert = certificateDir.resolve("cert.pem");
        Path key = certificateDir.resolve("key.pem");
        ServerCertificate.main(new String[] {cert.toString(), key.toString()}); // as ./serve all --tls makes it
        firstPort = freeConsecutivePorts();
        for (int i = 0; i < NAMES.size(); i++) {
            servers.add(Servers.start(NAMES.get(i), Map.of("PORT", Integer.toString(firstPort + i),
                    "TLS_CERT", cert.toString(), "TLS_KEY", key.toString())));
        }
        browser = Browser.trusting(ServerCertificate.fromPemFiles(cert, key).certificate().getPublicKey());
    }

    @AfterAll
    void stop() throws IOException {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            servers.forEach(Launcher.Running::close);
            try (var files = Files.list(certificateDir)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(certificateDir);
        }
    }

    @AfterEach
    void noConsoleProblems() {
        browser.open("about:blank"); // the page's streams and polls end here, so nothing it logs reaches the next test
        List<String> problems = browser.consoleProblems();
        assertTrue(problems.isEmpty(), "the page logged to the console: " + problems);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"javalin", "undertow", "helidon"})
    @DisplayName("over HTTP/2 the page's three streams and seven lab streams are all OPEN at once, and report h2")
    void overHttp2EveryLabStreamOpensAtOnce(String name) throws Exception {
        openPageOf(name);
        openLab();
        browser.await("all " + LAB_STREAMS + " lab streams OPEN at once",
                d -> labStates().equals(List.of("OPEN", "OPEN", "OPEN", "OPEN", "OPEN", "OPEN", "OPEN")));
        assertPageStreamsOpen();
        browser.await("every stream and the lab reporting h2", d -> protocols().stream().allMatch("h2"::equals));
        assertEquals(3 + LAB_STREAMS, protocols().size(), "protocols shown: " + protocols());
        assertEquals("h2", browser.find("#lab-protocol").getDomAttribute("data-protocol"));
        browser.screenshot("index-https-" + name, Browser.DESKTOP.width);
        browser.find("#lab-close").click();
    }

    @Test
    @DisplayName("over TLS the raw-socket server speaks http/1.1: lab streams 1-3 OPEN, 4-7 wait for a connection")
    void theRawSocketServerStillSpeaksHttp11AndItsLabWaits() throws Exception {
        openPageOf("raw-socket");
        openLab();
        // counted, not indexed: the lab's list may not be drawn yet; a busy machine's TLS handshakes get 20 s
        browser.await(() -> "lab streams 1-3 OPEN; the lab shows " + labStates(), Duration.ofSeconds(20),
                d -> labStates().stream().limit(3).filter("OPEN"::equals).count() == 3);
        Thread.sleep(1_500); // long enough for a seventh connection to have opened, were there no limit
        assertEquals(List.of("OPEN", "OPEN", "OPEN", "CONNECTING", "CONNECTING", "CONNECTING", "CONNECTING"),
                labStates(), "lab streams 1-7 with the page holding 3 connections");
        assertPageStreamsOpen();
        assertEquals(List.of("http/1.1", "http/1.1", "http/1.1", "http/1.1", "http/1.1", "http/1.1", "", "", "", ""),
                protocols(), "the protocol of the page's streams, then of lab streams 1-7 (none while waiting)");
        browser.screenshot("index-https-raw-socket", Browser.DESKTOP.width);
        browser.find("#lab-close").click(); // frees the connections, so the next page does not wait
    }

    @Test
    @DisplayName("compare.html over https, without ?servers=, watches the four on its own scheme and ports, and shows h2, h2, h2, http/1.1")
    void comparePageOverHttpsWatchesTheFourAndShowsTheirProtocols() {
        browser.open(base(0) + "/compare.html");
        List<WebElement> columns = browser.await("four columns", d -> {
            List<WebElement> found = browser.findAll(".column");
            return found.size() == NAMES.size() ? found : null;
        });
        for (int i = 0; i < NAMES.size(); i++) {
            WebElement column = columns.get(i);
            String expected = NAMES.get(i).equals("raw-socket") ? "http/1.1" : "h2";
            assertEquals(base(i), column.getDomAttribute("data-base"), "column " + i + "'s default base URL");
            browser.await("column " + i + " (" + NAMES.get(i) + ") OPEN over " + expected, d ->
                    column.findElement(By.cssSelector(".state")).getText().trim().equals("OPEN")
                    && expected.equals(column.findElement(By.cssSelector(".protocol")).getDomAttribute("data-protocol")));
        }
    }

    private String base(int index) {
        return "https://127.0.0.1:" + (firstPort + index);
    }

    private void openPageOf(String name) {
        browser.resize(Browser.DESKTOP);
        browser.open(base(NAMES.indexOf(name)) + "/");
        browser.await("#server naming " + name, d -> browser.text("#server").equals(name));
        assertPageStreamsOpen();
    }

    private void assertPageStreamsOpen() {
        browser.await("the counter, the broadcast and the wire view open", d -> browser.text("#counter-state").equals("OPEN")
                && browser.text("#broadcast-state").equals("OPEN") && browser.text("#wire-state").equals("reading"));
    }

    private void openLab() {
        browser.find("#lab-count").clear();
        browser.find("#lab-count").sendKeys(Integer.toString(LAB_STREAMS));
        browser.find("#lab-open").click();
    }

    private List<String> labStates() {
        return browser.findAll("#lab li").stream().map(li -> li.getDomAttribute("data-state")).toList();
    }

    /** The protocol shown for the counter, the broadcast, the wire view, then each lab stream ("" when none). */
    private List<String> protocols() {
        return browser.findAll("#counter-protocol, #broadcast-protocol, #wire-protocol, #lab .protocol").stream()
                .map(el -> el.getDomAttribute("data-protocol")).toList();
    }

    /** Four consecutive ports of the loopback that are free now, as ./serve all takes them. */
    private static int freeConsecutivePorts() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int first = ThreadLocalRandom.current().nextInt(20_000, 60_000);
            List<ServerSocket> probes = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    ServerSocket probe = new ServerSocket();
                    probes.add(probe);
                    probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), first + i));
                }
                return first;
            } catch (IOException taken) {
                // try another
            } finally {
                for (ServerSocket probe : probes) {
                    probe.close();
                }
            }
        }
        throw new IOException("no four consecutive free ports found");
    }
}
