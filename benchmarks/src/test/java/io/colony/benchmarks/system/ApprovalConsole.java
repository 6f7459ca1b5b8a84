package io.colony.benchmarks.system;

import io.colony.benchmarks.console.ConsoleBrowser;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
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
 * The operator console's approvals page in a real headless Chromium ({@link ConsoleBrowser}: Debian's
 * {@code chromium} through its {@code chromedriver}; nothing is downloaded). Finds things by their
 * {@code data-testid}s.
 */
final class ApprovalConsole implements AutoCloseable {

	private final ConsoleBrowser browser;

	private final ChromeDriver driver;

	private final Path screenshots;

	private ApprovalConsole(ConsoleBrowser browser, Path screenshots) {
		this.browser = browser;
		this.driver = browser.driver();
		this.screenshots = screenshots;
	}

	/** Opens the console at {@code gateway}/console/ signed in with {@code token} (handed over in the fragment). */
	static ApprovalConsole open(URI gateway, String token, Path screenshots) {
		try {
			Files.createDirectories(screenshots);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		ConsoleBrowser browser = ConsoleBrowser.open();
		try {
			browser.openPage(gateway, "/console/", token);
			return new ApprovalConsole(browser, screenshots);
		}
		catch (RuntimeException ex) {
			browser.close();
			throw ex;
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
		browser.close();
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
