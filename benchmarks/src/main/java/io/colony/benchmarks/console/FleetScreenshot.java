package io.colony.benchmarks.console;

import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A picture of the console's fleet view ({@code /console/fleet.html}) of a running mesh, as an operator sees it. */
public final class FleetScreenshot {

	/** The scopes the fleet page needs for every section (pending approvals included). */
	public static final String OPERATOR_SCOPE = "fleet:read credentials:approve";

	private static final int BUSY_WAIT_SECONDS = 15;

	private static final Duration BUSY_WAIT = Duration.ofSeconds(BUSY_WAIT_SECONDS);

	private FleetScreenshot() {
	}

	/**
	 * Opens the fleet page with {@code operatorToken}, waits until it is live with the broker's queues (and, for up
	 * to {@value #BUSY_WAIT_SECONDS} s more, until a worker shows tasks in flight and every section's source
	 * answered), and writes the whole page as PNG to {@code file}.
	 */
	public static void take(URI gateway, String operatorToken, Path file, Duration wait) {
		try (ConsoleBrowser console = ConsoleBrowser.open()) {
			console.openPage(gateway, "/console/fleet.html", operatorToken);
			ChromeDriver browser = console.driver();
			new WebDriverWait(browser, wait, Duration.ofMillis(200))
				.withMessage("the fleet page live with the broker's queues")
				.ignoring(StaleElementReferenceException.class)
				.until(ignored -> isLive(browser));
			try {
				new WebDriverWait(browser, BUSY_WAIT, Duration.ofMillis(200))
					.ignoring(StaleElementReferenceException.class)
					.until(ignored -> anyWorkerBusy(browser) && everySectionAvailable(browser));
			}
			catch (TimeoutException ex) {
				// the work ended before the page showed it, or a source stayed slow: the picture shows it as it is
			}
			byte[] png = console.fullPageScreenshot();
			Path parent = file.toAbsolutePath().getParent();
			if (parent != null) {
				Files.createDirectories(parent);
			}
			Files.write(file, png);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not write " + file, ex);
		}
	}

	private static boolean isLive(ChromeDriver browser) {
		List<WebElement> refresh = browser.findElements(By.cssSelector("[data-testid='refresh-status']"));
		List<WebElement> queues = browser.findElements(By.cssSelector("[data-testid='section-queues']"));
		return !refresh.isEmpty() && "live".equals(refresh.getFirst().getAttribute("data-state")) && !queues.isEmpty()
				&& "available".equals(queues.getFirst().getAttribute("data-status"));
	}

	private static boolean everySectionAvailable(ChromeDriver browser) {
		List<WebElement> sections = browser.findElements(By.cssSelector("[data-testid^='section-']"));
		return !sections.isEmpty()
				&& sections.stream().allMatch(section -> "available".equals(section.getAttribute("data-status")));
	}

	private static boolean anyWorkerBusy(ChromeDriver browser) {
		return browser.findElements(By.cssSelector("[data-testid=worker] [data-testid='worker-in-flight']"))
			.stream()
			.map(WebElement::getText)
			.map(text -> text.replaceAll("[^0-9]", ""))
			.anyMatch(digits -> !digits.isEmpty() && Long.parseLong(digits) > 0);
	}
}
