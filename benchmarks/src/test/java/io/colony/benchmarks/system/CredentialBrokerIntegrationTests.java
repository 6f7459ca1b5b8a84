package io.colony.benchmarks.system;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DeliverCallback;
import io.colony.benchmarks.client.ColonyClient;
import io.colony.benchmarks.client.JobWatch;
import io.colony.benchmarks.mesh.MeshOptions;
import io.colony.platform.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The credential broker end to end, on a mesh of real processes: an agent's {@code resource_api} tool asks the
 * credential service for a scoped credential; elevated scopes wait for a person, who approves or denies in the
 * operator console (served by the gateway, driven in real headless Chromium); the agent's task parks meanwhile
 * and then finishes; a revoked lease stops working at once; and no issued token is ever found in a log, a broker
 * message or a database row.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CredentialBrokerIntegrationTests {

	private static final Duration WAIT = Duration.ofMinutes(2);

	private static final String TENANT = "acme";

	private static final int BASE_PORT = 18580;

	private static SystemTestMesh mesh;

	private static ColonyClient client;

	private static ColonyClient operator;

	private static ProtectedResource inventory;

	private static ApprovalConsole browser;

	private static Channel tap;

	/** Every message the broker routed anywhere during the test, as text. */
	private static final List<String> tapped = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void startMesh() throws IOException {
		URI jwks = URI.create("http://127.0.0.1:" + (BASE_PORT + 4) + "/api/v1/credentials/jwks");
		inventory = new ProtectedResource("inventory", jwks);
		mesh = SystemTestMesh.start(CredentialBrokerIntegrationTests.class,
				MeshOptions.defaults()
					.withBasePort(BASE_PORT)
					.withWorkers(1)
					.withSimulatedLatency(Duration.ofMillis(50))
					.withWorkerArguments(List.of("--colony.worker.tools.resources.inventory.base-url=" + inventory.url())));
		tapEveryExchange();
		client = new ColonyClient(mesh.launcher().gatewayUrl());
		client.useToken(client.mintToken(ColonyClient.DEFAULT_SCOPE, Map.of("tenant", TENANT)));
		operator = new ColonyClient(mesh.launcher().gatewayUrl());
		operator.useToken(operator.mintToken("credentials:approve", Map.of("tenant", TENANT)));
		browser = ApprovalConsole.open(mesh.launcher().gatewayUrl(), operator.token(),
				mesh.launcher().options().root().resolve("benchmarks/target/console-screenshots"));
	}

	@AfterAll
	static void stopMesh() {
		if (browser != null) {
			browser.close();
		}
		if (mesh != null) {
			mesh.close();
		}
		if (inventory != null) {
			inventory.close();
		}
	}

	@Test
	@Order(1)
	void aPersonApprovesInTheConsoleAndTheParkedTaskFinishes() {
		String jobId = client.submitAccepted(operatorJob("Restock aisle 4. [[call resource_api {\"resource\":\"inventory\","
				+ "\"method\":\"POST\",\"path\":\"/orders\",\"body\":\"{\\\"sku\\\":\\\"A-4\\\"}\","
				+ "\"justification\":\"aisle 4 is empty\"}]]"));

		ApprovalConsole.PendingRequest pending = browser.awaitPendingRequestFor(jobId, WAIT);
		assertThat(pending.text()).contains("inventory:write").contains("aisle 4 is empty");
		browser.screenshot("1-pending-request");
		assertThat(client.job(jobId).path("status").asString()).as("the task waits for the person").isIn("ACCEPTED", "RUNNING");
		pending.approve();

		JsonNode finished = awaitFinished(jobId);
		browser.screenshot("2-approved");
		assertThat(finished.path("status").asString()).isEqualTo("SUCCEEDED");
		JsonNode result = onlyResult(jobId);
		assertThat(result.path("output").asString()).contains("201").contains("POST /orders");
		assertThat(inventory.accepted()).anySatisfy(call -> {
			assertThat(call.method()).isEqualTo("POST");
			assertThat(call.path()).isEqualTo("/orders");
			assertThat(call.scope()).containsExactly("inventory:write");
		});
	}

	@Test
	@Order(2)
	void aPersonDeniesInTheConsoleAndTheAgentReadsTheReason() {
		int callsBefore = inventory.accepted().size();
		String jobId = client.submitAccepted(operatorJob("Delete the catalogue. [[call resource_api {\"resource\":\"inventory\","
				+ "\"method\":\"DELETE\",\"path\":\"/catalogue\",\"justification\":\"spring cleaning\"}]]"));

		ApprovalConsole.PendingRequest pending = browser.awaitPendingRequestFor(jobId, WAIT);
		pending.deny("not during the freeze");

		awaitFinished(jobId);
		browser.screenshot("3-denied");
		JsonNode result = onlyResult(jobId);
		assertThat(result.path("output").asString()).contains("denied").contains("not during the freeze");
		assertThat(inventory.accepted()).hasSize(callsBefore);
		assertThat(inventory.refusals()).isEmpty();
	}

	@Test
	@Order(3)
	void aLeaseRevokedInTheConsoleIsRefusedAtItsNextUse() throws InterruptedException {
		String jobId = client.submitAccepted(operatorJob("Count stock twice. "
				+ "[[call resource_api {\"resource\":\"inventory\",\"method\":\"GET\",\"path\":\"/hold\"}]] "
				+ "[[call resource_api {\"resource\":\"inventory\",\"method\":\"GET\",\"path\":\"/stock\"}]]"));
		assertThat(inventory.awaitHolding(WAIT)).as("the first (auto-granted, read-only) call arrived").isTrue();

		ApprovalConsole.Lease lease = browser.awaitActiveLeaseFor("inventory:read", WAIT);
		double revocationsBefore = workerRevocations();
		long revokedAt = System.nanoTime();
		lease.revoke("token leaked in a screenshot");
		Await.until(WAIT, "the worker learnt of the revocation", () -> workerRevocations() > revocationsBefore);
		long propagationMs = (System.nanoTime() - revokedAt) / 1_000_000;
		System.out.println("{\"figure\":\"revocation-propagation-via-console\",\"ms\":" + propagationMs + "}");
		browser.screenshot("4-revoked");

		inventory.release();
		awaitFinished(jobId);
		JsonNode result = onlyResult(jobId);
		assertThat(result.path("output").asString()).contains("revoked");
		assertThat(inventory.accepted()).noneSatisfy(call -> assertThat(call.path()).isEqualTo("/stock"));
		assertThat(browser.auditStatus()).isEqualTo("valid");
		browser.screenshot("5-audit");
	}

	@Test
	@Order(4)
	void noIssuedTokenAppearsInAnyLogMessageOrRow() throws IOException {
		List<String> tokens = new ArrayList<>(inventory.tokensSeen());
		assertThat(tokens).as("the resource saw the issued tokens").isNotEmpty();
		List<String> places = new ArrayList<>();
		for (String service : mesh.launcher().services()) {
			String log = Files.readString(mesh.launcher().logFile(service), StandardCharsets.UTF_8);
			places.add(service + ".log\n" + log);
		}
		places.add("broker messages\n" + String.join("\n", tapped));
		places.add("database rows\n" + everyRow());
		for (String token : tokens) {
			String signature = token.substring(token.lastIndexOf('.') + 1);
			assertThat(places).noneSatisfy(place -> assertThat(place).contains(signature));
		}
		assertThat(tapped).as("the tap saw the credential events").anySatisfy(body -> assertThat(body).contains("CredentialRequestDecided"));
	}

	private static double workerRevocations() {
		HttpResponse<String> metrics = client.send(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + mesh.launcher().options().workerPort(1) + "/actuator/prometheus"))
			.build());
		return metrics.body()
			.lines()
			.filter(line -> line.startsWith("colony_worker_credentials_revocations_total"))
			.mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

	private static void tapEveryExchange() throws IOException {
		tap = mesh.channel();
		String queue = tap.queueDeclare("", false, true, true, null).getQueue();
		for (String exchange : List.of("colony.commands", "colony.tasks", "colony.results", "colony.events",
				"colony.credentials", "colony.registry", "colony.dlx")) {
			tap.queueBind(queue, exchange, "#");
		}
		DeliverCallback collect = (tag, delivery) -> tapped.add(new String(delivery.getBody(), StandardCharsets.UTF_8)
				+ " " + delivery.getProperties().getHeaders());
		tap.basicConsume(queue, true, collect, tag -> {
		});
	}

	private static String everyRow() {
		StringBuilder rows = new StringBuilder();
		try (Connection connection = mesh.launcher().environment().database().connect();
				Statement statement = connection.createStatement()) {
			List<String> tables = new ArrayList<>();
			try (ResultSet names = statement.executeQuery("""
					select table_schema || '.' || table_name from information_schema.tables
					where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')""")) {
				while (names.next()) {
					tables.add(names.getString(1));
				}
			}
			for (String table : tables) {
				try (ResultSet all = statement.executeQuery("select t::text from " + table + " t")) {
					while (all.next()) {
						rows.append(table).append(' ').append(all.getString(1)).append('\n');
					}
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		return rows.toString();
	}

	private static String operatorJob(String content) {
		ObjectNode body = client.json().createObjectNode();
		body.put("pattern", "scatter-gather");
		body.put("agent", "operator");
		body.put("instruction", "Do what the input says.");
		body.putArray("inputs").addObject().put("id", "only").put("content", content);
		return client.json().writeValueAsString(body);
	}

	private static JsonNode awaitFinished(String jobId) {
		return Await.untilValue(WAIT, "job " + jobId + " finished in its view" + mesh.logTails(), () -> client.job(jobId),
				JobWatch::isTerminal);
	}

	private static JsonNode onlyResult(String jobId) {
		List<JsonNode> results = client.allResults(jobId, 10);
		assertThat(results).hasSize(1);
		return results.getFirst();
	}
}
