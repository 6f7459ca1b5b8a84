package io.colony.gateway.deadletter;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.colony.gateway.console.HeadlessChromium;
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
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.FileSystemUtils;
import org.springframework.web.reactive.function.BodyInserters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's dead-letters page ({@code /console/dead-letters.html}) in a real headless Chromium, through the
 * gateway, against a stateful stand-in for the orchestrator's internal dead-letter API: listing with reason, job and
 * deliveries, the body preview, replaying one, replaying all of a queue, discarding with a reason, and a token without
 * the scope; no CSP or Trusted Types violation along the way. Skipped when the machine has no Chromium.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeadLettersPageIntegrationTests {

	static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	static final StatefulDeadLetters orchestrator = StatefulDeadLetters.start();

	static final Duration WAIT = Duration.ofSeconds(30);

	static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

	static final String JOB = "5f0c6f8e-7d7e-4a43-9a43-1d1b1c1e2f30";

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry registry) {
		env.properties().forEach((key, value) -> registry.add(key, () -> value));
		registry.add("colony.gateway.orchestrator-url", orchestrator::url);
		registry.add("spring.data.redis.port", () -> "1");
	}

	@LocalServerPort
	int port;

	WebTestClient web;

	ChromeDriver driver;

	Path profile;

	@BeforeAll
	void start() {
		Assumptions.assumeTrue(HeadlessChromium.available(), "needs Debian's chromium and chromium-driver");
		web = WebTestClient.bindToServer().baseUrl(gateway()).responseTimeout(WAIT).build();
		profile = HeadlessChromium.newProfile();
		driver = HeadlessChromium.start(profile);
	}

	@BeforeEach
	void threeOpenDeadLetters() {
		orchestrator.reset();
		orchestrator.add("10000000-0000-0000-0000-000000000001", "agent.summarizer",
				"not a valid TaskAssigned: Unexpected end-of-input", JOB, 1, "{\"jobId\":\"" + JOB + "\",\"input\":");
		orchestrator.add("10000000-0000-0000-0000-000000000002", "agent.summarizer",
				"failed on delivery 5 of 5: java.net.SocketTimeoutException", JOB, 5, "{\"jobId\":\"" + JOB + "\"}");
		orchestrator.add("10000000-0000-0000-0000-000000000003", "aggregator.results", "bad signature", null, 1,
				"<script>alert('x')</script>");
	}

	@AfterEach
	void noPolicyViolations() {
		if (driver == null) {
			return;
		}
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
		orchestrator.close();
		env.close();
	}

	@Test
	void listsOpenDeadLettersShowsOneAndReplaysIt() {
		open(mint("acme", "deadletters:manage"));

		List<WebElement> rows = waitFor("three dead letters", () -> {
			List<WebElement> found = driver.findElements(By.cssSelector("[data-testid=dead-letter]"));
			return found.size() == 3 ? found : null;
		});
		WebElement first = row("10000000-0000-0000-0000-000000000001");
		assertThat(text(first, "dead-letter-queue")).isEqualTo("agent.summarizer");
		assertThat(text(first, "dead-letter-reason")).startsWith("not a valid TaskAssigned");
		assertThat(text(first, "dead-letter-job")).isEqualTo(JOB);
		assertThat(text(row("10000000-0000-0000-0000-000000000002"), "dead-letter-deliveries")).isEqualTo("5");
		assertThat(byTestId("dead-letter-count").getText()).isEqualTo("3");
		assertThat(rows).extracting(row -> row.getAttribute("data-status")).containsOnly("OPEN");

		row("10000000-0000-0000-0000-000000000003").findElement(By.cssSelector("[data-testid=dead-letter-show]")).click();
		waitFor("the body preview", () -> byTestId("detail").isDisplayed() ? true : null);
		assertThat(byTestId("detail-body").getText()).as("shown as text, never as markup")
			.isEqualTo("<script>alert('x')</script>");
		assertThat(byTestId("detail-reason").getText()).isEqualTo("bad signature");
		screenshot("dead-letters-1-detail");

		first.findElement(By.cssSelector("[data-testid=dead-letter-replay]")).click();
		waitFor("the replayed one gone from the open list",
				() -> driver.findElements(By.cssSelector("[data-testid=dead-letter]")).size() == 2 ? true : null);
		assertThat(byTestId("outcome").getText()).contains("Replayed");
		assertThat(orchestrator.actions).containsExactly("replay 10000000-0000-0000-0000-000000000001 by acme as colony-cli");
	}

	@Test
	void replaysAllOfOneQueueAfterConfirmingAndDiscardsOneWithAReason() {
		open(mint("acme", "deadletters:manage"));
		waitFor("three dead letters",
				() -> driver.findElements(By.cssSelector("[data-testid=dead-letter]")).size() == 3 ? true : null);

		byTestId("filter-queue").sendKeys("agent.summarizer");
		byTestId("refresh").click();
		waitFor("the queue's two", () -> driver.findElements(By.cssSelector("[data-testid=dead-letter]")).size() == 2
				? true : null);
		byTestId("replay-all").click();
		assertThat(byTestId("replay-all-question").getText()).contains("of queue agent.summarizer");
		assertThat(orchestrator.actions).as("nothing before the confirmation").isEmpty();
		byTestId("replay-all-yes").click();
		waitFor("the queue emptied", () -> byTestId("list-empty").isDisplayed() ? true : null);
		assertThat(byTestId("outcome").getText()).isEqualTo("Replayed 2 of 2.");
		assertThat(orchestrator.actions).containsExactly("replay all {\"queue\":\"agent.summarizer\"} by acme");

		byTestId("filter-queue").clear();
		byTestId("refresh").click();
		WebElement last = waitFor("the other queue's one", () -> row("10000000-0000-0000-0000-000000000003"));
		last.findElement(By.cssSelector("[data-testid=dead-letter-show]")).click();
		waitFor("the detail", () -> byTestId("detail").isDisplayed() ? true : null);
		byTestId("discard-submit").click();
		assertThat(byTestId("error-title").getText()).isEqualTo("A reason is required");
		byTestId("discard-reason").sendKeys("signed by a key revoked on purpose; the job was resubmitted");
		byTestId("discard-submit").click();
		waitFor("nothing open", () -> byTestId("list-empty").isDisplayed()
				&& byTestId("detail-status").getText().startsWith("discarded") ? true : null);
		assertThat(byTestId("detail-status").getText())
			.isEqualTo("discarded by colony-cli: signed by a key revoked on purpose; the job was resubmitted");
		screenshot("dead-letters-2-discarded");
	}

	@Test
	void aTokenWithoutTheScopeIsAskedForAnotherAndKept() {
		String fleetOnly = mint("acme", "fleet:read");
		open(fleetOnly);
		waitFor("the sign-in form", () -> byTestId("token-form").isDisplayed() ? true : null);
		assertThat(byTestId("error-status").getText()).isEqualTo("(403)");
		assertThat(driver.executeScript("return sessionStorage.getItem('colony.console.token');")).isEqualTo(fleetOnly);

		byTestId("token-input").sendKeys(mint("acme", "deadletters:manage"));
		byTestId("token-submit").click();
		waitFor("the list", () -> driver.findElements(By.cssSelector("[data-testid=dead-letter]")).size() == 3
				? true : null);
	}

	@Test
	void theOtherConsolePagesLinkHere() {
		for (String page : List.of("/console/", "/console/fleet.html")) {
			driver.get("about:blank");
			driver.get(gateway() + page);
			byTestId("dead-letters-link").click();
			waitFor("the dead-letters page", () -> driver.getCurrentUrl().endsWith("/console/dead-letters.html")
					? true : null);
			assertThat(driver.getTitle()).isEqualTo("Colony · dead letters");
		}
	}

	private void open(String token) {
		driver.get("about:blank");
		driver.get(gateway() + "/console/dead-letters.html#token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
	}

	private WebElement row(String id) {
		return driver.findElements(By.cssSelector("[data-testid=dead-letter]"))
			.stream()
			.filter(row -> id.equals(row.getAttribute("data-id")))
			.findFirst()
			.orElse(null);
	}

	private WebElement byTestId(String testId) {
		return driver.findElement(By.cssSelector("[data-testid='" + testId + "']"));
	}

	private static String text(WebElement root, String testId) {
		return root.findElement(By.cssSelector("[data-testid='" + testId + "']")).getText();
	}

	private <T> T waitFor(String what, Supplier<T> probe) {
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

	/**
	 * The orchestrator's internal dead-letter API, kept in memory for tenant {@code acme}: list (status, queue),
	 * detail, replay one, replay all, discard; every action recorded with the tenant and actor headers it came with.
	 */
	static final class StatefulDeadLetters implements AutoCloseable {

		private static final JsonMapper JSON = JsonMapper.builder().build();

		private static final String BASE = "/internal/v1/dead-letters";

		final List<String> actions = new CopyOnWriteArrayList<>();

		private final Map<String, ObjectNode> letters = new LinkedHashMap<>();

		private final HttpServer server;

		private StatefulDeadLetters(HttpServer server) {
			this.server = server;
		}

		static StatefulDeadLetters start() {
			try {
				HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
				StatefulDeadLetters fake = new StatefulDeadLetters(server);
				server.createContext("/", fake::handle);
				server.start();
				return fake;
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		String url() {
			return "http://127.0.0.1:" + server.getAddress().getPort();
		}

		synchronized void reset() {
			letters.clear();
			actions.clear();
		}

		synchronized void add(String id, String queue, String reason, String jobId, int deliveries, String body) {
			ObjectNode letter = JSON.createObjectNode()
				.put("id", id)
				.put("queue", queue)
				.put("messageId", "m-" + id.substring(id.length() - 1))
				.put("tenant", "acme")
				.put("reason", reason)
				.put("deliveries", deliveries)
				.put("timesDeadLettered", 1)
				.put("firstDeadLetteredAt", Instant.now().minusSeconds(90).toString())
				.put("lastDeadLetteredAt", Instant.now().minusSeconds(90).toString())
				.put("status", "OPEN")
				.put("replays", 0)
				.put("bodySize", body.length())
				.put("replayable", true)
				.put("bodyPreview", body)
				.put("bodyPreviewTruncated", false);
			if (jobId != null) {
				letter.put("jobId", jobId);
			}
			letter.putObject("headers").put("x-colony-tenant", "acme");
			letters.put(id, letter);
		}

		private synchronized void handle(HttpExchange exchange) throws IOException {
			String method = exchange.getRequestMethod();
			String path = exchange.getRequestURI().getPath();
			String tenant = exchange.getRequestHeaders().getFirst("X-Colony-Tenant");
			String actor = exchange.getRequestHeaders().getFirst("X-Colony-Actor");
			String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
			Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
			if (!"acme".equals(tenant)) {
				problem(exchange, 404, "dead-letter-not-found");
				return;
			}
			if (method.equals("GET") && path.equals(BASE)) {
				String status = query.getOrDefault("status", "open").toUpperCase();
				List<JsonNode> items = new ArrayList<>();
				for (ObjectNode letter : letters.values()) {
					boolean statusMatches = status.equals("ALL") || letter.path("status").asString().equals(status);
					boolean queueMatches = !query.containsKey("queue")
							|| letter.path("queue").asString().equals(query.get("queue"));
					if (statusMatches && queueMatches) {
						items.add(letter);
					}
				}
				ObjectNode answer = JSON.createObjectNode();
				answer.putArray("items").addAll(items);
				respond(exchange, 200, answer);
				return;
			}
			if (method.equals("POST") && path.equals(BASE + "/replay")) {
				actions.add("replay all " + body + " by " + tenant);
				String queue = JSON.readTree(body).path("queue").asString(null);
				int replayed = 0;
				for (ObjectNode letter : letters.values()) {
					if (letter.path("status").asString().equals("OPEN")
							&& (queue == null || letter.path("queue").asString().equals(queue))) {
						resolve(letter, "REPLAYED", actor, null);
						replayed++;
					}
				}
				respond(exchange, 200, JSON.createObjectNode().put("matched", replayed).put("replayed", replayed)
					.put("tooLarge", 0).put("failed", 0).put("alreadyResolved", 0).put("more", false));
				return;
			}
			String[] parts = path.substring(BASE.length()).split("/");
			ObjectNode letter = parts.length >= 2 ? letters.get(parts[1]) : null;
			if (letter == null) {
				problem(exchange, 404, "dead-letter-not-found");
				return;
			}
			if (method.equals("GET") && parts.length == 2) {
				respond(exchange, 200, letter);
			}
			else if (method.equals("POST") && parts.length == 3 && !letter.path("status").asString().equals("OPEN")) {
				problem(exchange, 409, "dead-letter-not-open");
			}
			else if (method.equals("POST") && parts.length == 3 && parts[2].equals("replay")) {
				actions.add("replay " + parts[1] + " by " + tenant + " as " + actor);
				resolve(letter, "REPLAYED", actor, null);
				respond(exchange, 200, letter);
			}
			else if (method.equals("POST") && parts.length == 3 && parts[2].equals("discard")) {
				String reason = JSON.readTree(body).path("reason").asString("");
				if (reason.isBlank()) {
					problem(exchange, 400, "invalid-dead-letter-request");
					return;
				}
				actions.add("discard " + parts[1] + " by " + tenant + " as " + actor + ": " + reason);
				resolve(letter, "DISCARDED", actor, reason);
				respond(exchange, 200, letter);
			}
			else {
				problem(exchange, 404, "dead-letter-not-found");
			}
		}

		private static void resolve(ObjectNode letter, String status, String actor, String reason) {
			letter.put("status", status).put("resolvedBy", actor).put("resolvedAt", Instant.now().toString());
			if (reason != null) {
				letter.put("discardReason", reason);
			}
			if (status.equals("REPLAYED")) {
				letter.put("replays", letter.path("replays").asInt() + 1);
			}
		}

		private static Map<String, String> query(String raw) {
			Map<String, String> query = new LinkedHashMap<>();
			if (raw != null) {
				for (String pair : raw.split("&")) {
					String[] kv = pair.split("=", 2);
					query.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
							kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
				}
			}
			return query;
		}

		private static void problem(HttpExchange exchange, int status, String slug) throws IOException {
			exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
			write(exchange, status, "{\"type\":\"urn:colony:problem:" + slug + "\",\"title\":\"" + slug
					+ "\",\"status\":" + status + "}");
		}

		private static void respond(HttpExchange exchange, int status, JsonNode json) throws IOException {
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			write(exchange, status, JSON.writeValueAsString(json));
		}

		private static void write(HttpExchange exchange, int status, String text) throws IOException {
			byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(status, bytes.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(bytes);
			}
		}

		@Override
		public void close() {
			server.stop(0);
		}
	}
}
