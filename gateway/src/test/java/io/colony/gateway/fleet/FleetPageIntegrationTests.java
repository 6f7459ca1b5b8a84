package io.colony.gateway.fleet;

import io.colony.contracts.Destinations;
import io.colony.gateway.console.HeadlessChromium;
import io.colony.gateway.fleet.FakeFleetSources.Behaviour;
import io.colony.platform.messaging.ColonyTopology;
import io.colony.platform.testing.ColonyTestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.FileSystemUtils;
import org.springframework.web.reactive.function.BodyInserters;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's fleet page ({@code /console/fleet.html}) in a real headless Chromium, against the gateway with
 * RabbitMQ's real management API and stand-ins for the other sources: what each section shows, a dead-letter queue
 * that holds something, a source that fails, a token without {@code fleet:read}; and no CSP or Trusted Types
 * violation along the way. Skipped when the machine has no Chromium.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetPageIntegrationTests {

	static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	static final FakeFleetSources sources = FakeFleetSources.start();

	static final Duration WAIT = Duration.ofSeconds(30);

	static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

	static final String AGENT_QUEUE = Destinations.agentQueue("summarizer");

	static final String AGENT_DLQ = Destinations.deadLetterQueue(AGENT_QUEUE);

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry registry) {
		env.properties().forEach((key, value) -> registry.add(key, () -> value));
		registry.add("colony.gateway.registry-url", sources::url);
		registry.add("colony.gateway.orchestrator-url", sources::url);
		registry.add("colony.gateway.credentials-url", sources::url);
		registry.add("colony.gateway.fleet.timeout", () -> "PT3S");
	}

	@LocalServerPort
	int port;

	@Autowired
	ConnectionFactory connectionFactory;

	WebTestClient web;

	ChromeDriver driver;

	Path profile;

	@BeforeAll
	void start() {
		Assumptions.assumeTrue(HeadlessChromium.available(), "needs Debian's chromium and chromium-driver");
		web = WebTestClient.bindToServer().baseUrl(gateway()).responseTimeout(WAIT).build();
		RabbitAdmin admin = new RabbitAdmin(connectionFactory);
		ColonyTopology.declarables(ColonyTopology.agentQueue("summarizer"), 5).getDeclarables().forEach(declarable -> {
			if (declarable instanceof Queue queue) {
				admin.declareQueue(queue);
			}
		});
		RabbitTemplate template = new RabbitTemplate(connectionFactory);
		for (int i = 0; i < 40; i++) {
			template.send("", AGENT_QUEUE, new Message(("task " + i).getBytes(StandardCharsets.UTF_8), new MessageProperties()));
		}
		template.send("", AGENT_DLQ, new Message("poison".getBytes(StandardCharsets.UTF_8), new MessageProperties()));
		profile = HeadlessChromium.newProfile();
		driver = HeadlessChromium.start(profile);
	}

	@BeforeEach
	void answerNormally() {
		sources.reset();
	}

	@AfterEach
	void noPolicyViolations() {
		List<String> violations = driver.manage()
			.logs()
			.get(LogType.BROWSER)
			.getAll()
			.stream()
			.map(LogEntry::getMessage)
			.filter(message -> message.contains("Content Security Policy") || message.contains("Trusted Type"))
			.toList();
		assertThat(violations).as("CSP / Trusted Types violations in the browser").isEmpty();
		driver.executeScript("sessionStorage.clear();");
	}

	@AfterAll
	void stop() {
		if (driver != null) {
			driver.quit();
		}
		if (profile != null) {
			FileSystemUtils.deleteRecursively(profile.toFile());
		}
		sources.close();
		env.close();
	}

	@Test
	void showsEverySectionAndMarksADeadLetterQueueThatHoldsSomething() {
		open(mint("acme", "fleet:read credentials:approve"));

		WebElement dlq = waitFor("the dead-letter queue with its message", () -> {
			WebElement row = queueRow(AGENT_DLQ);
			return row != null && "1".equals(text(row, "queue-ready")) ? row : null;
		});
		assertThat(dlq.getAttribute("data-dead-letter")).isEqualTo("true");
		assertThat(dlq.getAttribute("data-alarm")).isEqualTo("true");
		WebElement work = waitFor("the agent queue's depth", () -> {
			WebElement row = queueRow(AGENT_QUEUE);
			return row != null && "40".equals(text(row, "queue-ready")) ? row : null;
		});
		assertThat(work.getAttribute("data-alarm")).isEqualTo("false");
		assertThat(text(work, "queue-consumers")).isEqualTo("0");
		assertThat(byTestId("summary-dead-letters").getText()).isEqualTo("1");
		assertThat(byTestId("queues-vhost").getText()).isEqualTo(env.broker().vhost());

		assertThat(sectionStatus("workers")).isEqualTo("available");
		List<WebElement> workers = driver.findElements(By.cssSelector("[data-testid=worker]"));
		assertThat(workers).hasSize(2);
		assertThat(workers.getFirst().getAttribute("data-agent-id")).isEqualTo("agent-a");
		assertThat(text(workers.getFirst(), "worker-in-flight")).isEqualTo("12");
		assertThat(text(workers.getFirst(), "worker-capacity")).isEqualTo("500");
		assertThat(text(workers.getFirst(), "worker-types")).isEqualTo("operator, summarizer");
		assertThat(byTestId("summary-workers").getText()).isEqualTo("2");

		assertThat(sectionStatus("jobs")).isEqualTo("available");
		assertThat(driver.findElements(By.cssSelector("[data-testid=job-status]")))
			.extracting(item -> item.getAttribute("data-status") + "=" + text(item, "job-count"))
			.containsExactly("ACCEPTED=1", "RUNNING=2", "SUCCEEDED=7");

		assertThat(sectionStatus("approvals")).isEqualTo("available");
		assertThat(byTestId("approvals-count").getText()).isEqualTo("2");
		assertThat(driver.findElements(By.cssSelector("[data-testid=approval]"))).hasSize(2);
		screenshot("fleet-1-all-sections");
	}

	@Test
	void aSourceThatFailsIsShownUnavailableWithItsReasonAndTheRestKeepsRefreshing() {
		open(mint("acme", "fleet:read"));
		waitFor("workers listed", () -> sectionStatus("workers").equals("available") ? true : null);
		assertThat(sectionStatus("approvals")).isEqualTo("omitted");
		assertThat(byTestId("approvals-reason").getText()).contains("credentials:approve");

		sources.behaviour.put(FakeFleetSources.AGENTS, Behaviour.FAIL);
		sources.metrics = "jvm_threads_live_threads 42\n";

		waitFor("the registry shown unavailable", () -> sectionStatus("workers").equals("unavailable") ? true : null);
		assertThat(byTestId("workers-reason").getText()).isEqualTo("registry answered 500");
		assertThat(driver.findElements(By.cssSelector("[data-testid=worker]"))).isEmpty();
		assertThat(byTestId("summary-workers").getText()).isEqualTo("—");
		waitFor("jobs shown unknown", () -> sectionStatus("jobs").equals("unknown") ? true : null);
		assertThat(byTestId("jobs-reason").getText()).contains("colony_jobs_active");
		assertThat(sectionStatus("queues")).isEqualTo("available");
		assertThat(byTestId("refresh-status").getAttribute("data-state")).isEqualTo("live");
		screenshot("fleet-2-registry-down");

		sources.reset();
		waitFor("the registry back", () -> sectionStatus("workers").equals("available") ? true : null);
	}

	@Test
	void aTokenWithoutFleetReadIsAskedForAnotherAndKept() {
		String approvalsOnly = mint("acme", "credentials:approve");
		open(approvalsOnly);

		waitFor("the sign-in form", () -> byTestId("token-form").isDisplayed() ? true : null);
		assertThat(byTestId("error-status").getText()).isEqualTo("(403)");
		assertThat(driver.executeScript("return sessionStorage.getItem('colony.console.token');"))
			.as("the approvals page of this tab may still use it")
			.isEqualTo(approvalsOnly);

		WebElement input = byTestId("token-input");
		input.sendKeys(mint("acme", "fleet:read"));
		byTestId("token-submit").click();
		waitFor("the fleet view", () -> sectionStatus("queues").equals("available") ? true : null);
		assertThat(byTestId("error").isDisplayed()).isFalse();
	}

	@Test
	void theConsoleLinksToTheFleetPage() {
		driver.get("about:blank");
		driver.get(gateway() + "/console/");
		byTestId("fleet-link").click();
		waitFor("the fleet page", () -> driver.getCurrentUrl().endsWith("/console/fleet.html") ? true : null);
		assertThat(driver.getTitle()).isEqualTo("Colony · fleet");
	}

	private void open(String token) {
		driver.get("about:blank");
		driver.get(gateway() + "/console/fleet.html#token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
	}

	private String sectionStatus(String name) {
		return byTestId("section-" + name).getAttribute("data-status");
	}

	private WebElement queueRow(String name) {
		return driver.findElements(By.cssSelector("[data-testid=queue]"))
			.stream()
			.filter(row -> name.equals(row.getAttribute("data-queue")))
			.findFirst()
			.orElse(null);
	}

	private WebElement byTestId(String testId) {
		return driver.findElement(By.cssSelector("[data-testid='" + testId + "']"));
	}

	private static String text(WebElement root, String testId) {
		return root.findElement(By.cssSelector("[data-testid='" + testId + "']")).getText();
	}

	private <T> T waitFor(String what, java.util.function.Supplier<T> probe) {
		return new WebDriverWait(driver, WAIT, Duration.ofMillis(100)).withMessage(what)
			.ignoring(StaleElementReferenceException.class)
			.until(ignored -> probe.get());
	}

	private void screenshot(String name) {
		try {
			Files.createDirectories(SCREENSHOTS);
			Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private String gateway() {
		return "http://127.0.0.1:" + port;
	}

	private String mint(String tenant, String scope) {
		byte[] body = web.post()
			.uri("/oauth2/token")
			.headers(headers -> headers.setBasicAuth("colony-cli", "colony-local-secret"))
			.body(BodyInserters.fromFormData("grant_type", "client_credentials").with("tenant", tenant).with("scope", scope))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBodyContent();
		return JsonMapper.builder().build().readTree(new String(body, StandardCharsets.UTF_8)).path("access_token").asString();
	}
}
