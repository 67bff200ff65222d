package io.portalusers.standalone;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debian's Chromium, headless, driven through its chromedriver: a real browser for the
 * console's tests. Saves a screenshot of every page it is told about under
 * {@code target/console-screenshots}, and fails a page that logged an error to its console.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getProperty("portal.test.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("portal.test.chromedriver", "/usr/bin/chromedriver"));
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    /** Why the browser tests cannot run here, or null when they can. */
    static String missing() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            return "the console's browser tests need Debian's Chromium and its driver (" + CHROMIUM + ", " + CHROMEDRIVER
                    + "): apt-get install chromium chromium-driver; .ci/run installs them";
        }
        return null;
    }

    /**
     * Skips a test class, saying why, where the browser is missing: before its service starts, so
     * a machine without Chromium spends nothing on it.
     */
    static final class Required implements org.junit.jupiter.api.extension.ExecutionCondition {
        @Override
        public org.junit.jupiter.api.extension.ConditionEvaluationResult evaluateExecutionCondition(
                org.junit.jupiter.api.extension.ExtensionContext context) {
            String missing = missing();
            return missing == null
                    ? org.junit.jupiter.api.extension.ConditionEvaluationResult.enabled("Chromium and its driver are installed")
                    : org.junit.jupiter.api.extension.ConditionEvaluationResult.disabled("skipped: " + missing);
        }
    }

    final WebDriver driver;
    private final String base;
    private final String prefix;
    private int shot;

    Browser(String base, String prefix) {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--lang=en-US", "--no-first-run", "--disable-extensions");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        this.driver = new ChromeDriver(service, options);
        this.base = base;
        this.prefix = prefix;
    }

    void open(String path) {
        driver.get(path.startsWith("http") ? path : base + path);
    }

    WebElement find(By by) {
        return until(d -> d.findElements(by).stream().filter(WebElement::isDisplayed).findFirst().orElse(null));
    }

    List<WebElement> all(By by) {
        return driver.findElements(by);
    }

    /** The text of the first shown element {@code by}, read again if htmx swapped it out meanwhile. */
    String text(By by) {
        return textOnce(by, text -> true);
    }

    /**
     * The text of the first shown element {@code by} once it starts with {@code start}: after an
     * action whose answer replaces what the element showed before (a notice after another, the
     * page's main part), the old text is still there until the answer arrives. Fails, with the
     * page, if it never does.
     */
    String textStartingWith(By by, String start) {
        return textOnce(by, text -> text.startsWith(start));
    }

    /** As {@link #textStartingWith}, for a text that contains {@code part}. */
    String textContaining(By by, String part) {
        return textOnce(by, text -> text.contains(part));
    }

    private String textOnce(By by, Predicate<String> arrived) {
        return until(d -> d.findElements(by).stream().filter(WebElement::isDisplayed).findFirst()
                .map(WebElement::getText).filter(arrived).orElse(null));
    }

    /** Types into the field labelled {@code label} (its {@code for} names the field). */
    WebElement field(String label) {
        WebElement labelled = find(By.xpath("//label[normalize-space(.)=" + literal(label) + "]"));
        return driver.findElement(By.id(labelled.getAttribute("for")));
    }

    /** {@code text} as an XPath string literal, apostrophes included ("Nom d'utilisateur"). */
    private static String literal(String text) {
        if (!text.contains("'")) {
            return "'" + text + "'";
        }
        return "concat('" + text.replace("'", "', \"'\", '") + "')";
    }

    void fill(String label, String value) {
        WebElement field = field(label);
        field.clear();
        field.sendKeys(value);
    }

    <T> T until(ExpectedCondition<T> condition) {
        try {
            return new WebDriverWait(driver, Duration.ofSeconds(10)).pollingEvery(Duration.ofMillis(50))
                    .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition);
        } catch (org.openqa.selenium.TimeoutException e) {
            // what the page showed when the wait gave up, for whoever reads the failure
            save("timed-out");
            throw new AssertionError("gave up waiting on " + driver.getCurrentUrl() + ", which shows:\n"
                    + ((JavascriptExecutor) driver).executeScript("return document.body.innerHTML"), e);
        }
    }

    void untilUrlContains(String part) {
        until(d -> d.getCurrentUrl().contains(part) ? true : null);
    }

    /** Waits until htmx has no request in flight. */
    void settled() {
        until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                "return document.readyState === 'complete' && document.querySelectorAll('.htmx-request').length === 0"))
                ? true : null);
    }

    /** The page as it is now: its screenshot saved under {@code name}, and no error in its console. */
    void page(String name) {
        settled();
        save(name);
        List<String> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage).toList();
        assertThat(errors).as("errors in the browser's console on " + driver.getCurrentUrl()).isEmpty();
    }

    private void save(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            byte[] png = ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES);
            Files.write(SCREENSHOTS.resolve("%s-%02d-%s.png".formatted(prefix, ++shot, name)), png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void forgetCookies() {
        ((ChromeDriver) driver).executeCdpCommand("Network.clearBrowserCookies", java.util.Map.of());
        driver.get("about:blank");
        forgetConsole();
    }

    /** Forgets what the browser's console logged so far: pages that are not the console's (the API's JSON) log their 401s. */
    void forgetConsole() {
        driver.manage().logs().get(LogType.BROWSER);
    }

    @Override
    public void close() {
        driver.quit();
    }

    static File screenshots() {
        return SCREENSHOTS.toFile();
    }
}
