package io.colony.benchmarks.system;

import io.colony.benchmarks.cli.Args;
import io.colony.benchmarks.client.ColonyClient;
import io.colony.benchmarks.client.Documents;
import io.colony.benchmarks.console.ConsoleBrowser;
import io.colony.benchmarks.mesh.MeshOptions;
import io.colony.benchmarks.status.StatusCommand;
import io.colony.platform.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operators' fleet view on a mesh of real processes, while a scatter-gather job keeps the agent queue busy:
 * {@code GET /api/v1/fleet} (403 without {@code fleet:read}, the sections with it), the console's fleet page in
 * headless Chromium showing the live queue, both workers and their load, jobs and approvals (screenshot in
 * {@code benchmarks/target/console-screenshots/fleet-view.png}), and what {@code ./colony status} prints for the same
 * mesh. The picture in {@code docs/images/} comes from a benchmark run instead ({@code --console-screenshot}).
 *
 * <p>Workers hold at most {@value #CAPACITY} tasks each and the simulated model answers after
 * {@value #LATENCY_MS} ms, so the {@value #INPUTS}-input job keeps messages ready in {@code agent.summarizer} for
 * tens of seconds: long enough for the broker's management statistics (refreshed every 5 s) to show them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetViewIntegrationTests {

	private static final Duration WAIT = Duration.ofMinutes(2);

	private static final int BASE_PORT = 18680;

	private static final int CAPACITY = 100;

	private static final int LATENCY_MS = 2000;

	private static final int INPUTS = 2000;

	private static final String TENANT = "acme";

	private static final String AGENT_QUEUE = "agent.summarizer";

	private static SystemTestMesh mesh;

	private static ColonyClient client;

	private static ColonyClient operator;

	private static ConsoleBrowser console;

	private static ChromeDriver browser;

	@BeforeAll
	static void startMeshAndABusyJob() {
		mesh = SystemTestMesh.start(FleetViewIntegrationTests.class,
				MeshOptions.defaults()
					.withBasePort(BASE_PORT)
					.withWorkers(2)
					.withSimulatedLatency(Duration.ofMillis(LATENCY_MS))
					.withWorkerArguments(List.of("--colony.worker.capacity=" + CAPACITY))
					// the orchestrator's job gauges refresh every second rather than every 15 s
					.withJvmArguments(List.of("-Dcolony.metrics.poll-interval=PT1S")));
		client = new ColonyClient(mesh.launcher().gatewayUrl());
		client.useToken(client.mintToken(ColonyClient.DEFAULT_SCOPE, Map.of("tenant", TENANT)));
		operator = new ColonyClient(mesh.launcher().gatewayUrl());
		operator.useToken(operator.mintToken("fleet:read credentials:approve", Map.of("tenant", TENANT)));
		client.submitAccepted(client.json().writeValueAsString(Documents.scatterGatherJob(client.json(), INPUTS)));
	}

	@AfterAll
	static void stop() {
		if (console != null) {
			console.close();
		}
		if (mesh != null) {
			mesh.close();
		}
	}

	@Test
	@Order(1)
	void theFleetViewNeedsFleetReadAndAnswersWithEverySection() {
		HttpResponse<String> refused = client.send(client.authorized("/api/v1/fleet").GET().build());
		assertThat(refused.statusCode()).as("a job token has no fleet:read").isEqualTo(403);
		assertThat(refused.body()).contains("urn:colony:problem:insufficient-scope");

		JsonNode fleet = Await.untilValue(WAIT, "the agent queue holds the job's tasks and the job counts show it active"
				+ mesh.logTails(), FleetViewIntegrationTests::fleet,
				snapshot -> depth(queue(snapshot, AGENT_QUEUE)) > 0 && activeJobs(snapshot) > 0);

		assertThat(fleet.path("queues").path("status").asString()).isEqualTo("available");
		assertThat(fleet.path("queues").path("vhost").asString()).isEqualTo(mesh.launcher().environment().broker().vhost());
		assertThat(queue(fleet, AGENT_QUEUE).path("consumers").asInt()).as("one consumer per worker").isEqualTo(2);
		assertThat(queue(fleet, AGENT_QUEUE + ".dlq").path("deadLetter").asBoolean()).isTrue();
		assertThat(queue(fleet, "orchestrator.commands").path("kind").asString()).isEqualTo("service");
		assertThat(fleet.path("workers").path("status").asString()).isEqualTo("available");
		assertThat(fleet.path("workers").path("workers")).hasSize(2)
			.allSatisfy(worker -> assertThat(worker.path("capacity").asInt()).isEqualTo(CAPACITY));
		assertThat(fleet.path("approvals").path("status").asString()).isEqualTo("available");
		assertThat(fleet.path("approvals").path("tenant").asString()).isEqualTo(TENANT);
		assertThat(fleet.path("approvals").path("pending").asInt()).isZero();
		assertThat(fleet.path("jobs").path("status").asString()).isEqualTo("available");
	}

	@Test
	@Order(2)
	void theConsolesFleetPageShowsTheBusyMesh() throws IOException {
		console = ConsoleBrowser.open();
		browser = console.driver();
		console.openPage(mesh.launcher().gatewayUrl(), "/console/fleet.html", operator.token());

		// the page re-renders its rows every 2 s: every read of a row happens inside waitFor, which reads again
		// when a row it found was replaced in between
		String consumers = waitFor("the agent queue with work on the page", () -> {
			WebElement row = row("queue", "data-queue", AGENT_QUEUE);
			return row != null && number(text(row, "queue-ready")) + number(text(row, "queue-unacked")) > 0
					? text(row, "queue-consumers") : null;
		});
		assertThat(consumers).isEqualTo("2");
		String deadLetter = waitFor("the agent queue's dead-letter queue on the page", () -> {
			WebElement row = row("queue", "data-queue", AGENT_QUEUE + ".dlq");
			return row == null ? null : String.valueOf(row.getAttribute("data-dead-letter"));
		});
		assertThat(deadLetter).isEqualTo("true");
		assertThat(byTestId("section-queues").getAttribute("data-status")).isEqualTo("available");

		List<List<String>> workers = waitFor("a worker with tasks in flight", () -> {
			List<List<String>> shown = browser.findElements(By.cssSelector("[data-testid=worker]"))
				.stream()
				.map(worker -> List.of(text(worker, "worker-in-flight"), text(worker, "worker-capacity"),
						text(worker, "worker-types")))
				.toList();
			return shown.stream().anyMatch(worker -> number(worker.get(0)) > 0) ? shown : null;
		});
		assertThat(workers).hasSize(2)
			.allSatisfy(worker -> assertThat(worker.get(1)).isEqualTo(String.valueOf(CAPACITY)))
			.allSatisfy(worker -> assertThat(worker.get(2)).contains("summarizer"));
		assertThat(byTestId("summary-workers").getText()).isEqualTo("2");

		assertThat(byTestId("section-jobs").getAttribute("data-status")).isEqualTo("available");
		List<String> jobStatuses = waitFor("the jobs by status", () -> browser
			.findElements(By.cssSelector("[data-testid=job-status]"))
			.stream()
			.map(item -> String.valueOf(item.getAttribute("data-status")))
			.toList());
		assertThat(jobStatuses).containsAnyOf("RUNNING", "ACCEPTED");
		assertThat(byTestId("section-approvals").getAttribute("data-status")).isEqualTo("available");
		assertThat(byTestId("approvals-count").getText()).isEqualTo("0");
		assertThat(byTestId("refresh-status").getAttribute("data-state")).isEqualTo("live");
		assertThat(policyViolations()).as("CSP / Trusted Types violations").isEmpty();

		Path file = mesh.launcher().options().root().resolve("benchmarks/target/console-screenshots/fleet-view.png");
		Files.createDirectories(file.getParent());
		Files.write(file, console.fullPageScreenshot());
	}

	@Test
	@Order(3)
	void colonyStatusPrintsTheSameMesh() {
		ByteArrayOutputStream text = new ByteArrayOutputStream();

		int status = StatusCommand.run(Args.parse(List.of("--gateway", mesh.launcher().gatewayUrl().toString(),
				"--tenant", TENANT), Set.of("watch")), new PrintStream(text, true, StandardCharsets.UTF_8));

		String printed = text.toString(StandardCharsets.UTF_8);
		assertThat(status).isZero();
		assertThat(printed).contains("\nQUEUES  vhost " + mesh.launcher().environment().broker().vhost())
			.containsPattern("\n  agent\\.summarizer +[0-9,]+ +[0-9,]+ +2  [#+]*\n")
			.contains("\nWORKERS  2 live, ")
			.contains("\nPENDING APPROVALS  0 waiting, tenant " + TENANT + "\n");
		System.out.println(printed);
	}

	// ---- helpers ---------------------------------------------------------------------------------------------

	private static JsonNode fleet() {
		HttpResponse<String> response = operator.send(operator.authorized("/api/v1/fleet").GET().build());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
		return operator.parse(response.body());
	}

	private static JsonNode queue(JsonNode fleet, String name) {
		for (JsonNode queue : fleet.path("queues").path("queues")) {
			if (name.equals(queue.path("name").asString())) {
				return queue;
			}
		}
		throw new AssertionError("no queue " + name + " in " + fleet.path("queues"));
	}

	private static long depth(JsonNode queue) {
		return queue.path("ready").asLong() + queue.path("unacked").asLong();
	}

	private static List<String> policyViolations() {
		return browser.manage()
			.logs()
			.get(LogType.BROWSER)
			.getAll()
			.stream()
			.map(LogEntry::getMessage)
			.filter(message -> message.contains("Content Security Policy") || message.contains("Trusted Type"))
			.toList();
	}

	private static WebElement row(String testId, String attribute, String value) {
		return browser.findElements(By.cssSelector("[data-testid=" + testId + "]"))
			.stream()
			.filter(element -> value.equals(element.getAttribute(attribute)))
			.findFirst()
			.orElse(null);
	}

	private static WebElement byTestId(String testId) {
		return browser.findElement(By.cssSelector("[data-testid='" + testId + "']"));
	}

	private static String text(WebElement root, String testId) {
		return root.findElement(By.cssSelector("[data-testid='" + testId + "']")).getText();
	}

	/** A count as the page formats it ({@code 1,800}). */
	private static long number(String text) {
		String digits = text.replaceAll("[^0-9]", "");
		return digits.isEmpty() ? 0 : Long.parseLong(digits);
	}

	private static <T> T waitFor(String what, Supplier<T> probe) {
		return new WebDriverWait(browser, WAIT, Duration.ofMillis(200)).withMessage(what)
			.ignoring(StaleElementReferenceException.class)
			.until(ignored -> probe.get());
	}

	/** Jobs accepted or running by the orchestrator's {@code colony_jobs_active} gauge (refreshed every poll interval). */
	private static long activeJobs(JsonNode snapshot) {
		JsonNode byStatus = snapshot.path("jobs").path("byStatus");
		return byStatus.path("RUNNING").asLong() + byStatus.path("ACCEPTED").asLong();
	}
}
