package workshop.sse.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The README's screenshot of compare.html, taken against servers that already run (under a load, say), not
 * against servers of its own: only when {@code -Dscreenshot.servers=<base>,<base>,...} names them. After
 * {@code screenshot.seconds} (60) of charts it writes {@code screenshot.out} ({@code ../docs/compare-page.png}).
 * Not a check: the test run never names this class.
 */
@EnabledIfSystemProperty(named = "screenshot.servers", matches = ".+")
class ComparePageScreenshot {

    @Test
    @DisplayName("a screenshot of compare.html watching the running servers")
    void screenshot() throws Exception {
        List<String> bases = List.of(System.getProperty("screenshot.servers").split(","));
        long seconds = Long.parseLong(System.getProperty("screenshot.seconds", "60"));
        Path out = Path.of(System.getProperty("screenshot.out", "../docs/compare-page.png"));
        try (Browser browser = Browser.start()) {
            browser.open(bases.get(0) + "/compare.html?servers=" + String.join(",", bases));
            System.out.println("charting " + bases + " for " + seconds + " s ...");
            Thread.sleep(Duration.ofSeconds(seconds));
            browser.findAll(".wire-start").forEach(button -> button.click()); // each server's first bytes too
            browser.await("every wire view done", Duration.ofSeconds(40), d -> browser.findAll(".wire[data-done=true]")
                    .size() == bases.size());
            Path shot = browser.screenshot("compare-page", Browser.DESKTOP.width);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.copy(shot, out, StandardCopyOption.REPLACE_EXISTING);
            System.out.println("written: " + out.toAbsolutePath().normalize());
        }
    }
}
