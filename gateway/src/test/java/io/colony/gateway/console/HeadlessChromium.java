package io.colony.gateway.console;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Starts the machine's Debian {@code chromium} through its {@code chromium-driver}, headless, with a fresh profile,
 * so that Selenium Manager never looks for (or downloads) a browser or driver. Copy it as it is into another
 * module's tests.
 */
public final class HeadlessChromium {

	public static final Path BROWSER = Path.of("/usr/bin/chromium");

	public static final Path DRIVER = Path.of("/usr/bin/chromedriver");

	private HeadlessChromium() {
	}

	/** Whether this machine has both: a test should be skipped (an assumption) when it has not. */
	public static boolean available() {
		return Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
	}

	/** @param profile an empty directory for the browser's profile, deleted by the caller afterwards */
	public static ChromeDriver start(Path profile) {
		System.setProperty("webdriver.chrome.driver", DRIVER.toString());
		ChromeOptions options = new ChromeOptions();
		options.setBinary(BROWSER.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
				"--disable-sync", "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1400,1100");
		// console messages (a CSP violation among them) become readable through driver.manage().logs()
		options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
			.usingAnyFreePort()
			.build();
		return new ChromeDriver(service, options);
	}

	public static Path newProfile() {
		try {
			return Files.createTempDirectory("colony-chromium-profile");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
