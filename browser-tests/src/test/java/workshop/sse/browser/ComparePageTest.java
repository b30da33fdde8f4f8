package workshop.sse.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import workshop.sse.core.launch.Launcher;

/** compare.html watching all four servers at once, each on its own port, from the page the first one serves. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ComparePageTest {

    private static final List<String> NAMES = List.of("javalin", "undertow", "helidon", "raw-socket");

    private final List<Launcher.Running> servers = new ArrayList<>();
    private final List<String> bases = new ArrayList<>();
    private Browser browser;

    @BeforeAll
    void start() throws Exception {
        for (String name : NAMES) {
            Launcher.Running server = Servers.start(name);
            servers.add(server);
            bases.add(Servers.base(server));
        }
        browser = Browser.start();
    }

    @AfterAll
    void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            servers.forEach(Launcher.Running::close);
        }
    }

    @Test
    @DisplayName("compare.html shows each server's stack and open stream, a publish to one only in its column, and fits a phone")
    void aPublishToOneServerShowsOnlyInItsColumn() throws Exception {
        List<WebElement> columns = openCompare();
        for (int i = 0; i < NAMES.size(); i++) {
            WebElement column = columns.get(i);
            String stack = Servers.status(bases.get(i)).path("stack").asText();
            assertEquals(bases.get(i), column.getDomAttribute("data-base"), "column " + i + "'s data-base");
            browser.await("column " + i + " shows '" + stack + "' and an OPEN stream",
                    d -> text(column, ".stack").contains(stack) && text(column, ".state").equals("OPEN"));
            browser.await("column " + i + "'s counter ticks", d -> text(column, ".count").matches(".*\\d.*"));
        }

        int target = 2;
        String body = "only for " + NAMES.get(target) + " " + System.nanoTime();
        new Select(browser.find("#target")).selectByValue(String.valueOf(target));
        browser.find("#compare-body").clear();
        browser.find("#compare-body").sendKeys(body);
        browser.find("#compare-publish button, #compare-publish [type=submit]").click();
        browser.await("the publish in column " + target, d -> feedTexts(columns.get(target)).stream().anyMatch(t -> t.contains(body)));
        Thread.sleep(1_000); // time for it to show up where it must not
        for (int i = 0; i < NAMES.size(); i++) {
            if (i != target) {
                assertTrue(feedTexts(columns.get(i)).stream().noneMatch(t -> t.contains(body)),
                        "column " + i + " (" + NAMES.get(i) + ") shows a publish sent to " + NAMES.get(target));
            }
        }
        browser.screenshot("compare", Browser.DESKTOP.width);

        browser.resize(Browser.PHONE); // the columns stack on a phone
        browser.await("no horizontal overflow at a phone's width", d -> browser.horizontalOverflow() == 0);
        assertEquals(List.of(), browser.unlabelledControls(), "controls without a label");
        List<String> problems = browser.consoleProblems();
        assertTrue(problems.isEmpty(), "the page logged to the console: " + problems);
    }

    @Test
    @DisplayName("compare.html charts each server's /api/status live, the streams chart following the streams opened")
    void chartsFollowEachServerLive() throws Exception {
        List<WebElement> columns = openCompare();
        for (int i = 0; i < NAMES.size(); i++) {
            WebElement charts = columns.get(i).findElement(By.cssSelector(".charts"));
            int column = i;
            browser.await("column " + i + " has 2 samples", d -> samples(charts) >= 2);
            assertEquals(List.of("streams", "threads", "heap", "rss", "cpu", "fds"), charts.findElements(By.cssSelector(".chart"))
                    .stream().map(c -> c.getDomAttribute("data-metric")).toList(), "column " + i + "'s charts");
            for (WebElement chart : charts.findElements(By.cssSelector(".chart"))) {
                String metric = chart.getDomAttribute("data-metric");
                browser.await("column " + column + "'s " + metric + " chart: a number and a line",
                        d -> text(chart, ".latest").matches("[\\d,.]+")
                                && !chart.findElements(By.cssSelector("svg polyline")).isEmpty()
                                && chart.findElement(By.cssSelector("svg")).getDomAttribute("aria-label")
                                        .contains("now " + text(chart, ".latest")));
            }
        }
        int before = samples(columns.get(0).findElement(By.cssSelector(".charts")));
        browser.await("every column gains 2 samples",
                d -> columns.stream().allMatch(c -> samples(c.findElement(By.cssSelector(".charts"))) >= before + 2));

        // Three more broadcast streams on one server: its streams chart counts them, the others' do not.
        int target = 1;
        List<Integer> shown = new ArrayList<>();
        for (WebElement column : columns) {
            shown.add(Integer.parseInt(text(column, ".chart[data-metric=streams] .latest")));
        }
        try (Servers.OpenStreams extra = Servers.openBroadcasts(bases.get(target), 3)) {
            browser.await("column " + target + "'s streams chart counts 3 more streams",
                    d -> latestStreams(columns.get(target)) == shown.get(target) + 3);
            for (int i = 0; i < NAMES.size(); i++) {
                if (i != target) {
                    assertEquals(shown.get(i), latestStreams(columns.get(i)), "column " + i + "'s open streams");
                }
            }
        }
        Servers.awaitBroadcasts(bases.get(target), 1); // the page's own, before the next test counts
        browser.screenshot("compare-phone", Browser.PHONE.width);
    }

    @Test
    @DisplayName("compare.html's wire view shows each server's own first bytes: retry, its events, a heartbeat, the headers")
    void theWireShowsEachServersOwnBytes() throws Exception {
        List<String> marks = new ArrayList<>();
        for (String base : bases) { // the newest event of each server, which its wire view asks to be replayed
            String mark = "wire-" + NAMES.get(marks.size()) + "-" + System.nanoTime();
            Servers.publish(base, "message", mark);
            marks.add(mark);
        }
        List<WebElement> columns = openCompare();
        browser.await("every column knows its heartbeat", d -> columns.stream().allMatch(ComparePageTest::knowsStatus));
        columns.forEach(c -> c.findElement(By.cssSelector(".wire-start")).click());
        for (int i = 0; i < NAMES.size(); i++) {
            WebElement column = columns.get(i);
            try {
                browser.await("column " + i + "'s wire view to stop",
                        d -> "true".equals(column.findElement(By.cssSelector(".wire")).getDomAttribute("data-done")));
            } catch (TimeoutException e) {
                throw new AssertionError("column " + i + "'s wire view did not stop; the page says: "
                        + text(column, ".wire-status") + " " + text(column, ".wire-countdown"), e);
            }
            String bytes = text(column, ".wire-bytes");
            String where = "column " + i + " (" + NAMES.get(i) + ")'s wire view: ";
            assertTrue(bytes.matches("(?s)retry: ?1000\\\\n\\n.*"), where + bytes); // Undertow writes no space after the colon
            // Each stack frames in its own way (Helidon and Undertow write no space after "id:" or "event:").
            assertTrue(bytes.matches("(?s).*\nevent: ?message\\\\n\ndata: ?" + marks.get(i) + "\\\\n\n\\\\n.*"),
                    where + "its own event missing: " + bytes);
            assertTrue(!column.findElements(By.cssSelector(".wire-bytes .wire-id")).isEmpty(), where + "no id: line");
            for (int j = 0; j < NAMES.size(); j++) {
                assertTrue(j == i || !bytes.contains(marks.get(j)), where + "shows " + NAMES.get(j) + "'s event");
            }
            List<String> comments = column.findElements(By.cssSelector(".wire-bytes .wire-comment")).stream()
                    .map(WebElement::getText).toList();
            assertTrue(comments.stream().anyMatch(c -> c.matches(":.*\\\\n")), where + "no comment line: " + comments);
            assertTrue(text(column, ".wire-status").contains("the first heartbeat arrived"), where + text(column, ".wire-status"));
            String headers = text(column, ".wire-headers").toLowerCase(java.util.Locale.ROOT);
            assertTrue(headers.startsWith("get /api/broadcast?lastEventId=".toLowerCase(java.util.Locale.ROOT))
                    && headers.contains("http 200") && headers.contains("content-type: text/event-stream")
                    && headers.contains("cache-control: no-cache"), where + "headers " + headers);
        }
        browser.screenshot("compare-wire", Browser.DESKTOP.width);
    }

    @Test
    @DisplayName("compare.html's disconnect experiment times every server noticing an aborted stream, within SPEC 3.5's bound")
    void theDisconnectExperimentTimesEveryServer() throws Exception {
        List<WebElement> columns = openCompare();
        for (String base : bases) { // only the page's own stream: none left from an earlier test still closing
            Servers.awaitBroadcasts(base, 1);
        }
        browser.await("every column knows its heartbeat", d -> columns.stream().allMatch(ComparePageTest::knowsStatus));
        WebElement run = browser.find("#disconnect-run");
        run.click();
        assertTrue(!run.isEnabled(), "the button is disabled while the experiment runs");
        long heartbeatMs = Long.parseLong(Servers.SETTINGS.get("HEARTBEAT_MS"));
        List<WebElement> rows = browser.await("a result for every server", Duration.ofMillis(2 * heartbeatMs + 10_000), d -> {
            List<WebElement> found = browser.findAll("#disconnect-results tr");
            return run.isEnabled() && found.size() == NAMES.size() ? found : null;
        });
        for (int i = 0; i < NAMES.size(); i++) {
            WebElement row = rows.get(i);
            String shown = row.getText();
            assertEquals(bases.get(i), row.getDomAttribute("data-base"), "row " + i);
            assertEquals("noticed", row.getDomAttribute("data-result"), NAMES.get(i) + ": " + shown);
            long ms = Long.parseLong(row.getDomAttribute("data-ms"));
            // SPEC 3.5: within 2 × HEARTBEAT_MS + 1 s; the page asks every 100 ms, over HTTP: a little slack.
            assertTrue(ms <= 2 * heartbeatMs + 1_000 + 300, NAMES.get(i) + " noticed after " + ms + " ms");
            assertTrue(shown.contains(NAMES.get(i)) && shown.contains("1,000 ms") && shown.matches("(?s).*\\d+ ms \\(.*"),
                    "row " + i + " shows " + shown);
        }
        browser.screenshot("compare-disconnect", Browser.DESKTOP.width);
    }

    @Test
    @DisplayName("results.html draws the benchmark's results.json: every profile, every figure, every server, the targets")
    void theResultsPageChartsTheBenchmark() throws Exception {
        JsonNode results = new ObjectMapper().readTree(Path.of("..", "static", "bench", "results.json").toFile());
        browser.open(bases.get(2) + "/results.html");
        browser.await("the run's date and machine", d -> browser.text("#run-info").contains(results.path("machine").path("os").asText()));
        List<WebElement> sections = browser.findAll("#profiles section");
        assertEquals(results.path("profiles").size(), sections.size(), "one section per profile");
        for (int p = 0; p < sections.size(); p++) {
            JsonNode profile = results.path("profiles").get(p);
            WebElement section = sections.get(p);
            assertEquals(profile.path("name").asText(), section.getDomAttribute("data-profile"));
            List<WebElement> figures = section.findElements(By.cssSelector("figure"));
            assertEquals(profile.path("shown").size(), figures.size(), profile.path("name") + ": one chart per figure shown");
            for (int f = 0; f < figures.size(); f++) {
                String key = profile.path("shown").get(f).asText();
                WebElement figure = figures.get(f);
                String where = profile.path("name").asText() + "/" + key + ": ";
                assertEquals(key, figure.getDomAttribute("data-figure"));
                assertTrue(figure.getText().contains(results.path("figures").path(key).path("label").asText()), where + "label");
                long measured = 0;
                for (JsonNode server : results.path("servers")) {
                    JsonNode median = profile.path("results").path(server.path("name").asText()).path("median").path(key);
                    assertTrue(figure.findElement(By.cssSelector("svg")).getText().contains(server.path("label").asText()),
                            where + server.path("label") + " missing");
                    measured += median.isNumber() ? 1 : 0;
                }
                assertEquals(measured, figure.findElements(By.cssSelector("svg rect.bar")).size(), where + "bars");
                boolean hasTarget = false;
                for (JsonNode target : results.path("targets")) {
                    hasTarget |= target.path("profile").asText().equals(profile.path("name").asText())
                            && target.path("figure").asText().equals(key) && target.path("value").isNumber();
                }
                assertEquals(hasTarget ? 1 : 0, figure.findElements(By.cssSelector("svg line.target")).size(), where + "target");
            }
        }
        browser.screenshot("results", Browser.DESKTOP.width);
        browser.resize(Browser.PHONE);
        browser.await("no horizontal overflow at a phone's width", d -> browser.horizontalOverflow() == 0);
        browser.resize(Browser.DESKTOP);
    }

    @AfterEach
    void noConsoleProblems() {
        List<String> problems = browser.consoleProblems();
        browser.resize(Browser.DESKTOP);
        assertTrue(problems.isEmpty(), "the page logged to the console: " + problems);
    }

    private List<WebElement> openCompare() {
        browser.open(bases.get(0) + "/compare.html?servers=" + String.join(",", bases));
        return browser.await("four columns", d -> {
            List<WebElement> found = browser.findAll(".column");
            return found.size() == NAMES.size() ? found : null;
        });
    }

    /**
     * The column's newest sample holds its server's status, so its experiments read the server's heartbeat. A sample
     * alone is not enough: a poll that failed (a busy machine, say) is a sample without one, and the page then
     * assumes the SPEC's default of 15 s.
     */
    private static boolean knowsStatus(WebElement column) {
        WebElement charts = column.findElement(By.cssSelector(".charts"));
        return samples(charts) >= 1 && "false".equals(charts.getDomAttribute("data-down"));
    }

    private static int samples(WebElement charts) {
        String samples = charts.getDomAttribute("data-samples");
        return samples == null ? 0 : Integer.parseInt(samples);
    }

    private static int latestStreams(WebElement column) {
        String latest = text(column, ".chart[data-metric=streams] .latest");
        return latest.matches("\\d+") ? Integer.parseInt(latest) : -1;
    }

    private static String text(WebElement column, String css) {
        return column.findElement(By.cssSelector(css)).getText().trim();
    }

    private static List<String> feedTexts(WebElement column) {
        return column.findElements(By.cssSelector(".feed li")).stream().map(WebElement::getText)
                .collect(Collectors.toList());
    }
}
