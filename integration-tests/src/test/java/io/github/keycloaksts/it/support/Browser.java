package io.github.keycloaksts.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium for the browser tests: Debian's {@code chromium} driven through its {@code chromedriver}
 * (both installed by {@code .ci/run} with apt-get), one fresh profile per instance (no cookies shared between
 * tests). Missing binaries fail the test with a message saying how to install them: a browser test that is
 * skipped proves nothing.
 *
 * <p>Screenshots go to {@code sts.screenshot.dir} (default {@code target/screenshots}) and, with
 * {@code -Dsts.update.screenshots=true}, also to the README's {@code docs/img/}.
 */
public final class Browser implements AutoCloseable {

    public static final Path CHROMIUM = Path.of(System.getProperty("sts.chromium", "/usr/bin/chromium"));
    public static final Path CHROMEDRIVER = Path.of(System.getProperty("sts.chromedriver", "/usr/bin/chromedriver"));
    public static final Duration WAIT = Duration.ofSeconds(20);

    /*
     * We use raw CDP commands only (device metrics), which work with any Chromium; Selenium's warning that it ships
     * no typed CDP bindings for Debian's (newer) Chromium is noise. Held statically: JUL keeps loggers weakly.
     */
    private static final Logger CDP_VERSION_LOG = quiet("org.openqa.selenium.devtools.CdpVersionFinder");

    /** Window size and browser language (Accept-Language, {@code navigator.language}); {@code lang} null = en-US. */
    public record Options(int width, int height, String lang) {

        public static Options desktop() {
            return new Options(1280, 900, null);
        }

        /** A phone-sized window (iPhone 12-15 CSS pixels). */
        public static Options narrow() {
            return new Options(390, 844, null);
        }

        public Options lang(String language) {
            return new Options(width, height, language);
        }
    }

    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    public static Browser open() {
        return open(Options.desktop());
    }

    public static Browser narrow() {
        return open(Options.narrow());
    }

    public static Browser open(Options options) {
        requireInstalled();
        Path profile;
        try {
            profile = Files.createTempDirectory("sts-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions chrome = new ChromeOptions();
        chrome.setBinary(CHROMIUM.toFile());
        chrome.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--disable-default-apps",
                "--no-first-run",
                "--no-default-browser-check",
                "--password-store=basic",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                "--window-size=" + options.width() + "," + options.height(),
                "--user-data-dir=" + profile);
        Map<String, Object> prefs = new HashMap<>();
        prefs.put("credentials_enable_service", false);
        prefs.put("profile.password_manager_enabled", false);
        if (options.lang() != null) {
            chrome.addArguments("--lang=" + options.lang());
            prefs.put("intl.accept_languages", options.lang());
        } else {
            chrome.addArguments("--lang=en-US");
            prefs.put("intl.accept_languages", "en-US,en");
        }
        chrome.setExperimentalOption("prefs", prefs);

        ChromeDriverService.Builder service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort();
        Path log = screenshotDir().getParent();
        if (log != null && Files.isDirectory(log)) {
            service.withLogFile(log.resolve("chromedriver.log").toFile()).withAppendLog(true);
        }
        ChromeDriver driver;
        try {
            driver = new ChromeDriver(service.build(), chrome);
        } catch (RuntimeException e) {
            deleteQuietly(profile);
            throw new AssertionError("Could not start headless " + CHROMIUM + " through " + CHROMEDRIVER + ": " + e.getMessage(), e);
        }
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        driver.manage().timeouts().implicitlyWait(Duration.ZERO);
        // The viewport exactly options' size (the window's includes browser chrome, and headless windows are at
        // least 500 px wide); "mobile" makes a narrow screen honour the page's viewport meta as a phone does.
        boolean mobile = options.width() < 500;
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of(
                "width", options.width(), "height", options.height(), "deviceScaleFactor", 1, "mobile", mobile));
        if (mobile) {
            driver.executeCdpCommand("Emulation.setTouchEmulationEnabled", Map.of("enabled", true, "maxTouchPoints", 5));
        }
        return new Browser(driver, profile);
    }

    private static Logger quiet(String name) {
        Logger logger = Logger.getLogger(name);
        logger.setLevel(Level.SEVERE);
        return logger;
    }

    /** Fails (never skips) when Debian's chromium or chromium-driver is not installed. */
    public static void requireInstalled() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(CHROMIUM)) {
            missing.add("chromium (" + CHROMIUM + ")");
        }
        if (!Files.isExecutable(CHROMEDRIVER)) {
            missing.add("chromedriver (" + CHROMEDRIVER + ")");
        }
        if (!missing.isEmpty()) {
            throw new AssertionError("The browser tests need Debian's chromium and chromium-driver; missing: "
                    + String.join(", ", missing) + ". Install them with `apt-get install chromium chromium-driver` "
                    + "(.ci/run does), or point -Dsts.chromium / -Dsts.chromedriver at other binaries.");
        }
    }

    public WebDriver driver() {
        return driver;
    }

    public Browser get(String url) {
        driver.get(url);
        return this;
    }

    public String url() {
        return driver.getCurrentUrl();
    }

    public String source() {
        return driver.getPageSource();
    }

    public String title() {
        return driver.getTitle();
    }

    public WebElement find(By by) {
        return driver.findElement(by);
    }

    public List<WebElement> all(By by) {
        return driver.findElements(by);
    }

    public boolean present(By by) {
        return !driver.findElements(by).isEmpty();
    }

    public boolean visible(By by) {
        return driver.findElements(by).stream().anyMatch(WebElement::isDisplayed);
    }

    /** Waits for a visible element; on timeout the failure names the page the browser is on. */
    public WebElement waitFor(By by) {
        return until(ExpectedConditions.visibilityOfElementLocated(by), "visible " + by);
    }

    /** Waits for {@code condition}; on timeout the failure says what was awaited and shows the page. */
    public <T> T until(Function<WebDriver, T> condition, String what) {
        try {
            return new WebDriverWait(driver, WAIT).until(condition);
        } catch (TimeoutException e) {
            throw new AssertionError("Timed out after " + WAIT.toSeconds() + " s waiting for " + what + "\n" + describe(), e);
        }
    }

    /** Types into a field after clearing it. */
    public void type(By field, String text) {
        WebElement element = waitFor(field);
        element.clear();
        element.sendKeys(text);
    }

    /** Sends keys to whatever has the focus, as a keyboard user does. */
    public void keys(CharSequence... keys) {
        new Actions(driver).sendKeys(keys).perform();
    }

    public void tab() {
        keys(Keys.TAB);
    }

    public WebElement focused() {
        return driver.switchTo().activeElement();
    }

    public Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** URL, title and the start of the visible text: what a failure message needs to show. */
    public String describe() {
        try {
            String text = driver.findElement(By.tagName("body")).getText();
            return "  at " + driver.getCurrentUrl() + "\n  title: " + driver.getTitle() + "\n  page text: "
                    + (text.length() > 1500 ? text.substring(0, 1500) + "..." : text);
        } catch (RuntimeException e) {
            return "  at " + driver.getCurrentUrl() + " (page unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * Saves the viewport as {@code <name>.png} in {@code target/screenshots} and, with
     * {@code -Dsts.update.screenshots=true}, copies it to {@code docs/img/}. Returns the saved file.
     */
    public Path screenshot(String name) {
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        try {
            Path dir = screenshotDir();
            Files.createDirectories(dir);
            Path file = dir.resolve(name + ".png");
            Files.write(file, png);
            if (Boolean.getBoolean("sts.update.screenshots")) {
                Path docs = KeycloakServer.repoRoot().resolve("docs/img");
                Files.createDirectories(docs);
                Files.copy(file, docs.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path screenshotDir() {
        return Path.of(System.getProperty("sts.screenshot.dir", "target/screenshots")).toAbsolutePath();
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
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temp dir left behind is harmless
        }
    }
}
