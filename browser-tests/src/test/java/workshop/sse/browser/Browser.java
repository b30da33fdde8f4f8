package workshop.sse.browser;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium from Debian's {@code chromium} package, driven through Debian's matching {@code chromedriver}
 * (both installed by {@code scripts/ensure-chromium.sh} before the tests; nothing is downloaded here). Collects
 * what the page logs to the console, so that a test can insist on none.
 */
final class Browser implements AutoCloseable {

    static final Dimension DESKTOP = new Dimension(1280, 1000);
    static final Dimension PHONE = new Dimension(390, 844);
    private static final Duration WAIT = Duration.ofSeconds(10);

    static {
        // Selenium looks for DevTools bindings matching the browser and warns when there are none; nothing here
        // uses DevTools.
        java.util.logging.Logger.getLogger("org.openqa.selenium.devtools").setLevel(Level.SEVERE);
    }

    private final ChromeDriver driver;
    private final Path profile;
    private final List<String> console = new ArrayList<>();

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    static Browser start() throws IOException {
        return start(List.of());
    }

    /**
     * A browser that also trusts the certificate whose public key is {@code trustedKey}, and only it, for this test:
     * Chromium's {@code --ignore-certificate-errors-spki-list} takes the base64 SHA-256 of its SubjectPublicKeyInfo.
     */
    static Browser trusting(PublicKey trustedKey) throws IOException {
        try {
            byte[] spki = MessageDigest.getInstance("SHA-256").digest(trustedKey.getEncoded()); // X.509 SPKI DER
            return start(List.of("--ignore-certificate-errors-spki-list=" + Base64.getEncoder().encodeToString(spki)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Browser start(List<String> moreArguments) throws IOException {
        String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
        String chromedriver = System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver");
        Path profile = Files.createTempDirectory("sse-workshop-chromium");
        ChromeOptions options = new ChromeOptions()
                .setBinary(chromium)
                // Headless as root, and quiet: without the background-networking flags Chromium keeps trying to
                // reach Google's hosts, which a closed network refuses.
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--disable-quic", "--no-first-run", "--user-data-dir=" + profile,
                        "--window-size=" + DESKTOP.width + "," + DESKTOP.height)
                .addArguments(moreArguments);
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(chromedriver)) // a given driver: Selenium Manager downloads nothing
                .usingAnyFreePort()
                .build();
        return new Browser(new ChromeDriver(service, options), profile);
    }

    WebDriver driver() {
        return driver;
    }

    void open(String url) {
        driver.get(url);
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    String text(String css) {
        return find(css).getText().trim();
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Waits until {@code condition} gives something other than null or false; fails with {@code what}. */
    <T> T await(String what, Function<WebDriver, T> condition) {
        return await(what, WAIT, condition);
    }

    <T> T await(String what, Duration timeout, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, timeout, Duration.ofMillis(100)).withMessage(what).until(condition);
    }

    /** As {@link #await(String, Duration, Function)}, with a message that says what the page shows at the end. */
    <T> T await(Supplier<String> what, Duration timeout, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, timeout, Duration.ofMillis(100)).withMessage(what).until(condition);
    }

    void resize(Dimension size) {
        driver.manage().window().setSize(size);
    }

    /** How many pixels the page is wider than the window: 0 when it fits. */
    long horizontalOverflow() {
        return (Long) script("return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
    }

    /** The start of each control (input, select, textarea, button) that has neither a label nor a name. */
    @SuppressWarnings("unchecked")
    List<String> unlabelledControls() {
        return (List<String>) script("""
                return [...document.querySelectorAll('input, select, textarea, button')]
                  .filter(c => c.type !== 'hidden')
                  .filter(c => !(c.labels && c.labels.length) && !c.getAttribute('aria-label')
                               && !(c.tagName === 'BUTTON' && c.textContent.trim()))
                  .map(c => c.outerHTML.slice(0, 80));""");
    }

    /** Warnings and errors the page logged to the console since the last call (they are collected as they come). */
    List<String> consoleProblems() {
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            console.add(entry.getLevel() + " " + entry.getMessage());
        }
        List<String> problems = console.stream()
                .filter(line -> line.startsWith(Level.SEVERE.getName()) || line.startsWith(Level.WARNING.getName()))
                .toList();
        console.clear();
        return problems;
    }

    /** A screenshot of the whole page at {@code width} to {@code target/screenshots/<name>.png}. */
    Path screenshot(String name, int width) throws IOException {
        Dimension before = driver.manage().window().getSize();
        resize(new Dimension(width, before.height));
        long height = (Long) script("return document.documentElement.scrollHeight;");
        resize(new Dimension(width, (int) Math.min(height + 140, 6000))); // + the window's own frame
        Path file = Path.of("target", "screenshots", name + ".png");
        Files.createDirectories(file.getParent());
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        resize(before);
        return file;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteQuietly(profile);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary profile left behind is harmless
        }
    }
}
