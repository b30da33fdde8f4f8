package workshop.sse.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import workshop.sse.core.demo.RedisServer;
import workshop.sse.core.launch.Launcher;

/** compare.html watching a Javalin and a Helidon instance that share one redis-server (SPEC 11). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedRedisComparePageTest {

    private static final List<String> NAMES = List.of("javalin", "helidon");

    private RedisServer redis;
    private final List<Launcher.Running> servers = new ArrayList<>();
    private final List<String> bases = new ArrayList<>();
    private Browser browser;

    @BeforeAll
    void start() throws Exception {
        redis = RedisServer.start();
        for (String name : NAMES) {
            Launcher.Running server = Servers.start(name, Map.of("REDIS_URL", redis.url()));
            servers.add(server);
            bases.add(Servers.base(server));
        }
        browser = Browser.start();
    }

    @AfterAll
    void stop() throws Exception {
        try (RedisServer stopping = redis) {
            if (browser != null) {
                browser.close();
            }
        } finally {
            servers.forEach(Launcher.Running::close);
        }
    }

    @Test
    @DisplayName("compare.html: with one REDIS_URL, a publish to one server appears in both columns with one id, and"
            + " each column says it shares its broadcast")
    void aPublishToOneAppearsInBothColumns() {
        browser.open(bases.get(0) + "/compare.html?servers=" + String.join(",", bases));
        List<WebElement> columns = browser.await("two columns", d -> {
            List<WebElement> found = browser.findAll(".column");
            return found.size() == NAMES.size() ? found : null;
        });
        for (int i = 0; i < columns.size(); i++) {
            WebElement column = columns.get(i);
            browser.await("column " + i + " says it shares its broadcast through Redis, and its stream is OPEN",
                    d -> text(column, ".stack").contains("through Redis") && text(column, ".state").equals("OPEN"));
        }
        String body = "one broadcast for both " + System.nanoTime();
        new Select(browser.find("#target")).selectByValue("1");
        browser.find("#compare-body").clear();
        browser.find("#compare-body").sendKeys(body);
        browser.find("#compare-publish button, #compare-publish [type=submit]").click();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            WebElement column = columns.get(i);
            WebElement item = browser.await("the publish to helidon in column " + i + " (" + NAMES.get(i) + ")",
                    d -> column.findElements(By.cssSelector(".feed li")).stream()
                            .filter(li -> li.getText().contains(body)).findFirst().orElse(null));
            ids.add(item.getDomAttribute("data-id"));
        }
        assertTrue(ids.get(0) != null && ids.get(0).matches("\\d+"), () -> "the event's id in column 0: " + ids);
        assertEquals(ids.get(0), ids.get(1), "the one event's id in both columns");
        List<String> problems = browser.consoleProblems();
        assertTrue(problems.isEmpty(), "the page logged to the console: " + problems);
    }

    private static String text(WebElement column, String css) {
        return column.findElement(By.cssSelector(css)).getText().trim();
    }
}
