package workshop.sse.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.WebElement;
import workshop.sse.core.launch.Launcher;

/**
 * {@code index.html} in a real browser against one server: one subclass per server names it. Every check ends by
 * asking the console: the page must log no error and no warning.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WorkshopPageTck {

    private Launcher.Running server;
    private String base;
    private Browser browser;

    /** The server's name, as {@link Servers#start} knows it. */
    protected abstract String serverName();

    @BeforeAll
    final void start() throws Exception {
        server = Servers.start(serverName());
        base = Servers.base(server);
        browser = Browser.start();
    }

    @AfterAll
    final void stop() throws Exception {
        try (Browser closing = browser; Launcher.Running stopping = server) { // closed even when the screenshot fails
            if (browser != null) {
                screenshot();
            }
        }
    }

    /** The page as the README shows it: a few events in the feed, a heartbeat in the wire view. */
    private void screenshot() throws Exception {
        browser.resize(Browser.DESKTOP);
        browser.open(base + "/");
        awaitOpen();
        Servers.publish(base, "message", "Hello from the README");
        long last = Servers.publish(base, "chat", "{\"from\":\"a test\",\"text\":\"two lines\\nof chat\"}");
        browser.await("the events in the feed", d -> feedIds().contains(last));
        browser.await("a heartbeat in the wire view", d -> !browser.findAll("#wire .wire-comment").isEmpty());
        browser.await("#lab-note counting the page's 3 connections",
                d -> "3".equals(browser.find("#lab-note").getDomAttribute("data-page-connections")));
        browser.screenshot("index-" + serverName(), Browser.DESKTOP.width);
    }

    @BeforeEach
    final void openPage() {
        browser.resize(Browser.DESKTOP);
        browser.open(base + "/");
    }

    @AfterEach
    final void noConsoleProblems() {
        List<String> problems = browser.consoleProblems();
        assertTrue(problems.isEmpty(), "the page logged to the console: " + problems);
    }

    @Test
    @DisplayName("index.html shows the stack serving it, from /api/status, and both streams OPEN")
    void showsTheStackAndOpenStreams() throws Exception {
        String stack = Servers.status(base).path("stack").asText();
        browser.await("#stack shows '" + stack + "'", d -> browser.text("#stack").contains(stack));
        assertEquals(serverName(), browser.text("#server"));
        awaitOpen();
    }

    @Test
    @DisplayName("the counter ticks, and its last event id follows the count")
    void counterTicks() {
        long first = browser.await("a first tick", d -> count());
        browser.await("two more ticks", d -> count() >= first + 2);
        browser.await("#counter-id equal to the count (the counter's id is its count)",
                d -> browser.text("#counter-id").equals(browser.text("#count")));
    }

    @Test
    @DisplayName("a publish from the form appears in the feed, with its id and event name")
    void publishFromTheFormAppearsInTheFeed() {
        awaitOpen();
        String text = "from the form " + System.nanoTime();
        browser.find("#body").clear();
        browser.find("#body").sendKeys(text);
        browser.find("#event-name").clear();
        browser.find("#event-name").sendKeys("chat");
        browser.find("#publish button, #publish [type=submit]").click();
        WebElement entry = browser.await("'" + text + "' in the feed", d -> feedEntry(text));
        assertEquals("chat", entry.getDomAttribute("data-event"));
        assertTrue(entry.getDomAttribute("data-id").matches("\\d+"), "the entry's data-id");
        browser.await("#publish-result shows the 202 answer's id",
                d -> browser.text("#publish-result").contains(entry.getDomAttribute("data-id")));
    }

    @Test
    @DisplayName("after 'drop all connections' the page reconnects, and the feed has no missing or doubled id")
    void dropAllConnectionsReconnectsWithoutLossOrDoubles() throws Exception {
        awaitOpen();
        List<Long> published = new ArrayList<>();
        published.add(Servers.publish(base, "message", "before the drop"));
        browser.await("the first event in the feed", d -> feedIds().contains(published.get(0)));

        browser.find("#disconnect").click();
        // Once the server has answered, the page's streams are closed: what is published from then on can only
        // come back as replay (published sooner, it could still reach the old streams).
        browser.await("the answer to 'drop all connections'",
                d -> browser.find("#disconnect-result").getDomAttribute("data-closed") != null);
        for (int i = 1; i <= 3; i++) { // while the page is away (RETRY_MS is 1 s): these come back as replay
            published.add(Servers.publish(base, "message", "while away " + i));
        }
        browser.await("a reopen in the broadcast log, resumed from Last-Event-ID " + published.get(0),
                d -> browser.findAll("#broadcast-log [data-kind=reopen]").stream()
                        .anyMatch(li -> li.getText().contains("Last-Event-ID: " + published.get(0))));
        browser.await("the counter's log shows its reopen too",
                d -> !browser.findAll("#counter-log [data-kind=reopen]").isEmpty());
        published.add(Servers.publish(base, "message", "after the reconnect"));
        long last = published.get(published.size() - 1);
        browser.await("event " + last + " in the feed", d -> feedIds().contains(last));

        List<Long> ids = feedIds();
        Set<Long> unique = new TreeSet<>(ids);
        assertEquals(unique.size(), ids.size(), "doubled ids in the feed: " + ids);
        assertTrue(unique.containsAll(published), "missing ids: published " + published + ", feed " + ids);
        assertEquals(ids.get(ids.size() - 1) + ids.size() - 1, (long) ids.get(0), "ids not consecutive: " + ids);
        awaitOpen();
    }

    @Test
    @DisplayName("the wire view shows the retry: frame and a heartbeat comment, as they came")
    void wireViewShowsRetryAndHeartbeat() {
        browser.await("a retry: line in #wire", d -> browser.findAll("#wire .wire-retry").stream()
                .anyMatch(line -> line.getText().trim().startsWith("retry:")));
        browser.await("a heartbeat (a comment line) in #wire", d -> browser.findAll("#wire .wire-comment").stream()
                .anyMatch(line -> line.getText().trim().startsWith(":")));
    }

    @Test
    @DisplayName("the connection-limit lab: with the page's 3 streams open, lab streams 1-3 open and 4-7 wait")
    void labShowsTheSixConnectionLimit() throws Exception {
        awaitOpen();
        browser.await("the wire view reading", d -> browser.text("#wire-state").equals("reading"));
        browser.find("#lab-count").clear();
        browser.find("#lab-count").sendKeys("7");
        browser.find("#lab-open").click();
        // counted, not indexed: the lab's list may not be drawn yet; a busy machine gets 20 s
        browser.await(() -> "lab streams 1-3 OPEN; the lab shows " + labStates(), Duration.ofSeconds(20),
                d -> labStates().stream().limit(3).filter("OPEN"::equals).count() == 3);
        Thread.sleep(1_500); // long enough for a seventh connection to have opened, were there no limit
        assertEquals(List.of("OPEN", "OPEN", "OPEN", "CONNECTING", "CONNECTING", "CONNECTING", "CONNECTING"),
                labStates(), "lab streams 1-7 with the page holding 3 connections");
        browser.find("#wire-stop").click(); // frees a connection: lab stream 4 gets it
        browser.await("lab stream 4 OPEN once the wire view stopped", d -> labStates().get(3).equals("OPEN"));
        browser.find("#lab-close").click();
        browser.await("every lab stream CLOSED", d -> labStates().stream().allMatch("CLOSED"::equals));
    }

    @Test
    @DisplayName("at a phone's width nothing is wider than the screen, and every control has a label")
    void fitsAPhoneAndLabelsEveryControl() {
        browser.resize(Browser.PHONE);
        awaitOpen();
        long overflow = browser.horizontalOverflow();
        assertEquals(0, overflow, "the page is wider than a phone's screen by " + overflow + " px");
        List<String> unlabelled = browser.unlabelledControls();
        assertTrue(unlabelled.isEmpty(), "controls without a label: " + unlabelled);
    }

    private void awaitOpen() {
        browser.await("#counter-state and #broadcast-state OPEN",
                d -> browser.text("#counter-state").equals("OPEN") && browser.text("#broadcast-state").equals("OPEN"));
    }

    private List<String> labStates() {
        return browser.findAll("#lab li").stream().map(li -> li.getDomAttribute("data-state")).toList();
    }

    private Long count() {
        String text = browser.text("#count").replaceAll("\\D", "");
        return text.isEmpty() ? null : Long.parseLong(text);
    }

    private WebElement feedEntry(String text) {
        return browser.findAll("#feed li").stream()
                .filter(li -> li.getText().contains(text)).findFirst().orElse(null);
    }

    /** The ids in the feed, newest first. */
    private List<Long> feedIds() {
        return browser.findAll("#feed li[data-id]").stream()
                .map(li -> Long.parseLong(li.getDomAttribute("data-id"))).toList();
    }
}
