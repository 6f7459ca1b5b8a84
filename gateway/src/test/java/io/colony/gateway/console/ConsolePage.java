package io.colony.gateway.console;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The operator console ({@code /console/}) as a test sees it: every method finds elements by their stable
 * {@code data-testid} (and {@code data-request-id} / {@code data-lease-id}) and waits, up to the page's timeout,
 * for what it needs rather than sleeping. Depends on nothing but Selenium, so the system tests can copy it as it is.
 */
public final class ConsolePage {

	private final WebDriver driver;

	private final WebDriverWait wait;

	private final Duration timeout;

	public ConsolePage(WebDriver driver, Duration timeout) {
		this.driver = driver;
		this.timeout = timeout;
		this.wait = new WebDriverWait(driver, timeout, Duration.ofMillis(100));
		this.wait.ignoring(StaleElementReferenceException.class);
	}

	// ---- session ----------------------------------------------------------------------------------------------

	/** Opens the console with {@code token} in the URL's fragment (the scripted way in) and waits for the stream. */
	public ConsolePage open(String baseUrl, String token) {
		// from a blank page, so that it is a new page even when the console is open already (then only the
		// fragment would change)
		driver.get("about:blank");
		driver.get(baseUrl + "/console/#token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
		return waitUntilLive();
	}

	/** Opens {@code path} (e.g. {@code /console}) without a token: the page asks for one. */
	public ConsolePage openWithoutToken(String baseUrl, String path) {
		driver.get("about:blank");
		driver.get(baseUrl + path);
		wait.until(d -> visible("token-form"));
		return this;
	}

	/** Pastes {@code token} into the sign-in form and submits it (does not wait: it may be refused). */
	public ConsolePage signIn(String token) {
		WebElement input = byTestId("token-input");
		input.clear();
		input.sendKeys(token);
		byTestId("token-submit").click();
		return this;
	}

	public boolean asksForAToken() {
		return visible("token-form");
	}

	public ConsolePage waitUntilAskedForAToken() {
		wait.until(d -> visible("token-form"));
		return this;
	}

	/** {@code live}, {@code connecting}, {@code reconnecting} or {@code offline}. */
	public String connectionState() {
		return byTestId("connection-status").getDomAttribute("data-state");
	}

	public ConsolePage waitUntilLive() {
		wait.until(d -> visible("connection-status") && "live".equals(connectionState()));
		return this;
	}

	public String storedToken() {
		return (String) ((JavascriptExecutor) driver).executeScript(
				"return sessionStorage.getItem('colony.console.token');");
	}

	public String currentUrl() {
		return driver.getCurrentUrl();
	}

	public String sessionTenant() {
		return byTestId("session-tenant").getText();
	}

	// ---- pending requests -------------------------------------------------------------------------------------

	public WebElement waitForPendingRequest(String requestId) {
		return wait.until(d -> pendingRequest(requestId).orElse(null));
	}

	public Optional<WebElement> pendingRequest(String requestId) {
		return driver.findElements(By.cssSelector("[data-testid='pending-request'][data-request-id='" + requestId + "']"))
			.stream()
			.findFirst();
	}

	public List<String> pendingRequestIds() {
		return driver.findElements(By.cssSelector("[data-testid='pending-request']"))
			.stream()
			.map(card -> card.getDomAttribute("data-request-id"))
			.toList();
	}

	public ConsolePage waitUntilPendingRequestGone(String requestId) {
		wait.until(d -> pendingRequest(requestId).isEmpty());
		return this;
	}

	/** The text of one of the card's fields: {@code request-agent}, {@code request-resource}, {@code request-job}… */
	public String pendingRequestField(String requestId, String testId) {
		return waitForPendingRequest(requestId).findElement(testId(testId)).getText();
	}

	public List<String> checkedScopes(String requestId) {
		return waitForPendingRequest(requestId).findElements(testId("scope-option"))
			.stream()
			.filter(WebElement::isSelected)
			.map(box -> box.getDomProperty("value"))
			.toList();
	}

	/** Unchecks {@code scope} on the request's card, so that the approval grants less than was asked. */
	public ConsolePage withhold(String requestId, String scope) {
		WebElement box = waitForPendingRequest(requestId)
			.findElement(By.cssSelector("[data-testid='scope-option'][data-scope='" + scope + "']"));
		if (box.isSelected()) {
			box.click();
		}
		return this;
	}

	public ConsolePage setTtlSeconds(String requestId, long seconds) {
		WebElement ttl = waitForPendingRequest(requestId).findElement(testId("ttl"));
		ttl.clear();
		ttl.sendKeys(Long.toString(seconds));
		return this;
	}

	public ConsolePage note(String requestId, String note) {
		WebElement input = waitForPendingRequest(requestId).findElement(testId("approve-note"));
		input.clear();
		input.sendKeys(note);
		return this;
	}

	/** Clicks approve; does not wait, since the answer may be a refusal (see {@link #errorDetail()}). */
	public ConsolePage approve(String requestId) {
		waitForPendingRequest(requestId).findElement(testId("approve")).click();
		return this;
	}

	/** Types {@code reason} (unless null) and clicks deny; does not wait. */
	public ConsolePage deny(String requestId, String reason) {
		WebElement card = waitForPendingRequest(requestId);
		WebElement input = card.findElement(testId("deny-reason"));
		input.clear();
		if (reason != null) {
			input.sendKeys(reason);
		}
		card.findElement(testId("deny")).click();
		return this;
	}

	/** The card's own message (a check the page made before sending anything), once shown. */
	public String cardError(String requestId) {
		WebElement card = waitForPendingRequest(requestId);
		return wait.until(d -> {
			WebElement error = card.findElement(testId("card-error"));
			return error.isDisplayed() && !error.getText().isBlank() ? error.getText() : null;
		});
	}

	// ---- leases -----------------------------------------------------------------------------------------------

	public WebElement waitForLease(String leaseId) {
		return wait.until(d -> lease(leaseId).orElse(null));
	}

	public Optional<WebElement> lease(String leaseId) {
		return driver.findElements(By.cssSelector("[data-testid='lease'][data-lease-id='" + leaseId + "']"))
			.stream()
			.findFirst();
	}

	public List<String> leaseIds() {
		return driver.findElements(By.cssSelector("[data-testid='lease']"))
			.stream()
			.map(card -> card.getDomAttribute("data-lease-id"))
			.toList();
	}

	/** Seconds until the lease expires, as its countdown shows them now. */
	public long leaseSecondsLeft(String leaseId) {
		return Long.parseLong(waitForLease(leaseId).findElement(testId("lease-expiry")).getDomAttribute("data-seconds-left"));
	}

	public String leaseField(String leaseId, String testId) {
		return waitForLease(leaseId).findElement(testId(testId)).getText();
	}

	/** Types {@code reason} and clicks revoke; does not wait. */
	public ConsolePage revoke(String leaseId, String reason) {
		WebElement card = waitForLease(leaseId);
		WebElement input = card.findElement(testId("revoke-reason"));
		input.clear();
		input.sendKeys(reason);
		card.findElement(testId("revoke")).click();
		return this;
	}

	public ConsolePage waitUntilLeaseGone(String leaseId) {
		wait.until(d -> lease(leaseId).isEmpty());
		return this;
	}

	// ---- audit ------------------------------------------------------------------------------------------------

	/** {@code valid}, {@code invalid}, {@code checking} or {@code unknown}. */
	public String auditState() {
		return byTestId("audit-status").getDomAttribute("data-state");
	}

	public String auditStatus() {
		return byTestId("audit-status").getText();
	}

	public ConsolePage waitForAuditState(String state) {
		wait.until(d -> state.equals(auditState()));
		return this;
	}

	/** Clicks "verify again" and waits for the new verdict. */
	public ConsolePage reverifyAudit() {
		String before = byTestId("audit-status").getDomAttribute("data-verified-at");
		byTestId("audit-verify").click();
		wait.until(d -> {
			String after = byTestId("audit-status").getDomAttribute("data-verified-at");
			return after != null && !after.equals(before) && !"checking".equals(auditState());
		});
		return this;
	}

	/** The kinds of the audit entries shown, newest first. */
	public List<String> auditKinds() {
		return driver.findElements(By.cssSelector("[data-testid='audit-entry'] [data-field='kind']"))
			.stream()
			.map(WebElement::getText)
			.toList();
	}

	public ConsolePage waitForAuditEntries(int count) {
		wait.until(d -> auditKinds().size() >= count);
		return this;
	}

	// ---- errors, evidence -------------------------------------------------------------------------------------

	/** The detail of the API problem the page shows, once shown. */
	public String errorDetail() {
		return wait.until(d -> visible("error") ? byTestId("error-detail").getText() : null);
	}

	/** The {@code type} of the problem shown (e.g. {@code urn:colony:problem:already-decided}). */
	public String errorProblemType() {
		return wait.until(d -> visible("error") ? byTestId("error").getDomAttribute("data-problem") : null);
	}

	public boolean showsAnError() {
		return visible("error");
	}

	public ConsolePage dismissError() {
		byTestId("error-dismiss").click();
		return this;
	}

	/** The browser console's messages so far that complain of the Content Security Policy or Trusted Types. */
	public List<String> securityPolicyViolations() {
		return driver.manage()
			.logs()
			.get(LogType.BROWSER)
			.getAll()
			.stream()
			.map(LogEntry::getMessage)
			.filter(message -> message.contains("Content Security Policy") || message.contains("Trusted Type"))
			.toList();
	}

	public Path screenshot(Path directory, String name) {
		try {
			Files.createDirectories(directory);
			Path file = directory.resolve(name + ".png");
			Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
			return file;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public Duration timeout() {
		return timeout;
	}

	private WebElement byTestId(String id) {
		return driver.findElement(testId(id));
	}

	private boolean visible(String id) {
		List<WebElement> found = driver.findElements(testId(id));
		return !found.isEmpty() && found.getFirst().isDisplayed();
	}

	private static By testId(String id) {
		return By.cssSelector("[data-testid='" + id + "']");
	}
}
