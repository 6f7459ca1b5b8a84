package io.colony.benchmarks.console;

import io.colony.benchmarks.cli.CommandFailed;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The operator console in Debian's headless Chromium (packages {@code chromium} and {@code chromium-driver}), driven
 * through chromedriver: for the system tests and for the screenshot a benchmark takes of the fleet view.
 */
public final class ConsoleBrowser implements AutoCloseable {

	public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final int WIDTH = 1400;

	private static final int MAX_HEIGHT = 8000;

	private final ChromeDriver driver;

	private final Path profile;

	private ConsoleBrowser(ChromeDriver driver, Path profile) {
		this.driver = driver;
		this.profile = profile;
	}

	/** Starts headless Chromium with a fresh profile; its console messages are readable through the driver's logs. */
	public static ConsoleBrowser open() {
		if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
			throw new CommandFailed("the console needs Debian's chromium and chromium-driver here "
					+ "(apt-get install chromium chromium-driver; ./colony test installs them)");
		}
		Path profile;
		try {
			profile = Files.createTempDirectory("colony-console-chromium");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
				"--disable-sync", "--window-size=" + WIDTH + ",1000", "--user-data-dir=" + profile);
		// console messages (a CSP violation among them) become readable through manage().logs()
		options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
		try {
			ChromeDriver driver = new ChromeDriver(new ChromeDriverService.Builder()
				.usingDriverExecutable(CHROMEDRIVER.toFile())
				.usingAnyFreePort()
				.build(), options);
			return new ConsoleBrowser(driver, profile);
		}
		catch (RuntimeException ex) {
			delete(profile);
			throw ex;
		}
	}

	public ChromeDriver driver() {
		return driver;
	}

	/** Opens a console page signed in with {@code token} (the console reads it from the fragment, never sent on). */
	public void openPage(URI gateway, String page, String token) {
		driver.get(gateway.resolve(page) + "#token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
	}

	/** The whole page, not just the window, so that a picture shows every section (Chrome DevTools). */
	public byte[] fullPageScreenshot() {
		Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
		Object size = metrics.getOrDefault("cssContentSize", metrics.get("contentSize"));
		if (!(size instanceof Map<?, ?> content) || !(content.get("height") instanceof Number height)) {
			return driver.getScreenshotAs(OutputType.BYTES);
		}
		Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
				"captureBeyondViewport", true, "clip", Map.of("x", 0, "y", 0, "width", WIDTH, "height",
						Math.min(height.doubleValue(), MAX_HEIGHT), "scale", 1)));
		return Base64.getDecoder().decode((String) shot.get("data"));
	}

	@Override
	public void close() {
		try {
			driver.quit();
		}
		finally {
			delete(profile);
		}
	}

	private static void delete(Path profile) {
		try (Stream<Path> files = Files.walk(profile)) {
			files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
		}
		catch (IOException ex) {
			// a temporary directory left behind
		}
	}
}
