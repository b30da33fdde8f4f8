package workshop.sse.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
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
        browser.open(bases.get(0) + "/compare.html?servers=" + String.join(",", bases));
        List<WebElement> columns = browser.await("four columns", d -> {
            List<WebElement> found = browser.findAll(".column");
            return found.size() == NAMES.size() ? found : null;
        });
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

    private static String text(WebElement column, String css) {
        return column.findElement(By.cssSelector(css)).getText().trim();
    }

    private static List<String> feedTexts(WebElement column) {
        return column.findElements(By.cssSelector(".feed li")).stream().map(WebElement::getText)
                .collect(Collectors.toList());
    }
}
