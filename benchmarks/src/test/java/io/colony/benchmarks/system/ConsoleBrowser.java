package io.colony.benchmarks.system;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;

/**
 * The operator console in a real headless Chromium (Debian's {@code chromium}, driven through its
 * {@code chromedriver}; nothing is downloaded). Finds things by their {@code data-testid}s.
 */
final class ConsoleBrowser implements AutoCloseable {

	static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private final ChromeDriver driver;

	private final Path screenshots;

	private final Path profile;

	private ConsoleBrowser(ChromeDriver driver, Path screenshots, Path profile) {
		this.driver = driver;
		this.screenshots = screenshots;
		this.profile = profile;
	}

	/** Opens the console at {@code gateway}/console/ signed in with {@code token} (handed over in the fragment). */
	static ConsoleBrowser open(URI gateway, String token, Path screenshots) {
		if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
			throw new IllegalStateException("the console test needs Debian's chromium and chromium-driver "
					+ "(apt-get install chromium chromium-driver); ./colony test and .ci/run install them");
		}
		try {
			Files.createDirectories(screenshots);
			Path profile = Files.createTempDirectory("colony-console-chromium");
			ChromeOptions options = new ChromeOptions();
			options.setBinary(CHROMIUM.toFile());
			options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
					"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
					"--disable-sync", "--window-size=1400,1000", "--user-data-dir=" + profile);
			ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
				.usingAnyFreePort()
				.build();
			ChromeDriver driver = new ChromeDriver(service, options);
			driver.get(gateway.resolve("/console/") + "#token=" + token);
			return new ConsoleBrowser(driver, screenshots, profile);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Waits, without reloading the page, until a pending request of {@code jobId} shows. */
	PendingRequest awaitPendingRequestFor(String jobId, Duration timeout) {
		WebElement element = waitFor(timeout, "a pending request of job " + jobId,
				() -> driver.findElements(By.cssSelector("[data-testid=pending-request]"))
					.stream()
					.filter(request -> request.getText().contains(jobId))
					.findFirst());
		return new PendingRequest(element);
	}

	/** Waits until an active lease holding {@code scope} shows. */
	Lease awaitActiveLeaseFor(String scope, Duration timeout) {
		WebElement element = waitFor(timeout, "an active lease with " + scope,
				() -> driver.findElements(By.cssSelector("[data-testid=lease]"))
					.stream()
					.filter(lease -> lease.getText().contains(scope))
					.findFirst());
		return new Lease(element);
	}

	/** The audit chain's verification state as the console shows it ({@code valid} or {@code invalid}), verified afresh. */
	String auditStatus() {
		driver.findElement(By.cssSelector("[data-testid=audit-verify]")).click();
		return waitFor(Duration.ofSeconds(30), "an audit verification result", () -> {
			String state = driver.findElement(By.cssSelector("[data-testid=audit-status]")).getAttribute("data-state");
			return "valid".equals(state) || "invalid".equals(state) ? Optional.of(state) : Optional.empty();
		});
	}

	void screenshot(String name) {
		File shot = driver.getScreenshotAs(OutputType.FILE);
		try {
			Files.copy(shot.toPath(), screenshots.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private <T> T waitFor(Duration timeout, String what, java.util.function.Supplier<Optional<T>> probe) {
		return new WebDriverWait(driver, timeout).withMessage(what)
			.ignoring(StaleElementReferenceException.class)
			.until(ignored -> probe.get().orElse(null));
	}

	@Override
	public void close() {
		driver.quit();
		try (var files = Files.walk(profile)) {
			files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
		}
		catch (IOException ex) {
			// a temp directory left behind
		}
	}

	final class PendingRequest {

		private final WebElement element;

		PendingRequest(WebElement element) {
			this.element = element;
		}

		String text() {
			return element.getText();
		}

		void approve() {
			String id = element.getAttribute("data-request-id");
			element.findElement(By.cssSelector("[data-testid=approve]")).click();
			gone("[data-testid=pending-request][data-request-id='" + id + "']");
		}

		void deny(String reason) {
			String id = element.getAttribute("data-request-id");
			element.findElement(By.cssSelector("[data-testid=deny-reason]")).sendKeys(reason);
			element.findElement(By.cssSelector("[data-testid=deny]")).click();
			gone("[data-testid=pending-request][data-request-id='" + id + "']");
		}
	}

	final class Lease {

		private final WebElement element;

		Lease(WebElement element) {
			this.element = element;
		}

		void revoke(String reason) {
			String id = element.getAttribute("data-lease-id");
			element.findElement(By.cssSelector("[data-testid=revoke-reason]")).sendKeys(reason);
			element.findElement(By.cssSelector("[data-testid=revoke]")).click();
			gone("[data-testid=lease][data-lease-id='" + id + "']");
		}
	}

	/** Waits until the console took the element away (the decision or revocation went through). */
	private void gone(String selector) {
		waitFor(Duration.ofSeconds(30), "the console to drop " + selector,
				() -> driver.findElements(By.cssSelector(selector)).isEmpty() ? Optional.of(true) : Optional.empty());
	}
}
