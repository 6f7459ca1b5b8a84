package io.colony.worker.tool.resource;

import io.colony.platform.testing.MutableClock;
import io.colony.contracts.AgentId;
import io.colony.contracts.CredentialRequest;
import io.colony.contracts.CredentialRequestStatus;
import io.colony.contracts.CredentialUsed;
import io.colony.contracts.JobId;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import io.colony.platform.identity.AgentKeyPair;
import io.colony.platform.identity.AgentKeys;
import io.colony.platform.identity.AgentSignatures;
import io.colony.worker.credentials.CredentialBroker;
import io.colony.worker.credentials.CredentialServiceStandIn;
import io.colony.worker.credentials.Credentials;
import io.colony.worker.credentials.CredentialsProperties;
import io.colony.worker.tool.ToolFailure;
import io.colony.worker.tool.ToolInvocation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code resource_api} against stand-ins of the credential service and of a resource's API on 127.0.0.1. */
class ResourceApiToolTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final AgentId ME = AgentId.of("worker-resource-test");

	private static final Instant START = Instant.parse("2026-03-02T09:00:00Z");

	private final MutableClock clock = new MutableClock(START);

	private final AgentKeyPair key = AgentKeys.generate(START);

	private final List<CredentialUsed> reports = new CopyOnWriteArrayList<>();

	private final TaskId task = TaskId.random();

	private CredentialServiceStandIn service;

	private ResourceStandIn inventory;

	private Credentials credentials;

	@BeforeEach
	void start() throws IOException {
		service = new CredentialServiceStandIn(keyId -> keyId.equals(key.keyId()) ? key.publicKey() : null, clock);
		inventory = new ResourceStandIn("inventory", service::accepts);
		CredentialBroker broker = new CredentialBroker(WebClient.create(service.url()), ME,
				payload -> Mono.just(AgentSignatures.sign(payload, key)), clock, Duration.ofSeconds(10));
		credentials = new Credentials(broker, new CredentialsProperties(URI.create(service.url()), null, null, null,
				null, null), ME, reports::add, clock);
	}

	@AfterEach
	void stop() {
		inventory.close();
		service.close();
	}

	private ResourceApiTool tool(DataSize maxResponseSize) {
		ResourcesProperties.Resource resource = new ResourcesProperties.Resource(URI.create(inventory.baseUrl()), null,
				null, maxResponseSize);
		return new ResourceApiTool(new ResourcesProperties(Map.of("inventory", resource)), credentials,
				WebClient.builder());
	}

	private String call(ResourceApiTool tool, String arguments) {
		return tool.call(new ToolInvocation(JobId.random(), task, TenantId.of("acme"), 1, 1, arguments)).block(WAIT);
	}

	@Test
	void readsAndWritesSendATokenOfTheirScopeAndTheResultNeverShowsIt() {
		service.policy(request -> CredentialRequestStatus.GRANTED);
		ResourceApiTool tool = tool(null);

		String read = call(tool, """
				{"resource": "inventory", "method": "GET", "path": "/items?limit=5"}""");
		String written = call(tool, """
				{"resource": "inventory", "method": "post", "path": "/items", "body": {"sku": "A1", "count": 2},
				 "justification": "restock A1"}""");

		assertThat(read).isEqualTo("HTTP 200 OK\nContent-Type: application/json\n\n{\"items\":[{\"sku\":\"A1\",\"count\":3}]}");
		assertThat(written).isEqualTo("HTTP 201 Created\nContent-Type: application/json\n\n{\"created\":true}");
		assertThat(inventory.calls()).containsExactly(
				new ResourceStandIn.Call("GET", "/api/items?limit=5", null, "", true),
				new ResourceStandIn.Call("POST", "/api/items", "application/json", "{\"sku\":\"A1\",\"count\":2}", true));
		assertThat(service.requests()).extracting(CredentialRequest::scope)
			.containsExactly(List.of("inventory:read"), List.of("inventory:write"));
		assertThat(service.requests()).extracting(CredentialRequest::justification)
			.containsExactly("GET /items?limit=5", "restock A1");
		assertThat(service.requests()).extracting(CredentialRequest::resource).containsOnly("inventory");
		assertThat(reports).extracting(CredentialUsed::outcome).containsExactly(CredentialUsed.USED, CredentialUsed.USED);
		assertThat(service.issuedTokens()).hasSize(2)
			.allSatisfy(token -> assertThat(read + written).doesNotContain(token));
	}

	@Test
	void aTaskReusesItsLeaseForTheSameScope() {
		ResourceApiTool tool = tool(null);

		call(tool, "{\"resource\": \"inventory\", \"method\": \"GET\", \"path\": \"/items\"}");
		call(tool, "{\"resource\": \"inventory\", \"method\": \"HEAD\", \"path\": \"/items/A1\"}");

		assertThat(service.requests()).hasSize(1);
		assertThat(inventory.calls()).extracting(ResourceStandIn.Call::authorized).containsExactly(true, true);
	}

	@Test
	void argumentsThatCannotBeServedAreRefusedBeforeACredentialIsAskedFor() {
		ResourceApiTool tool = tool(null);

		assertThatThrownBy(() -> call(tool, "{\"resource\": \"billing\", \"method\": \"GET\", \"path\": \"/x\"}"))
			.isInstanceOf(ToolFailure.class)
			.hasMessage("unknown resource 'billing'; configured: inventory");
		assertThatThrownBy(() -> call(tool, "{\"resource\": \"inventory\", \"method\": \"TRACE\", \"path\": \"/x\"}"))
			.hasMessage("method 'TRACE' is not supported; use one of GET, HEAD, POST, PUT, PATCH, DELETE");
		for (String path : List.of("items", "//evil.example/items", "/a/../../admin", "/a/%2E%2e/admin", "/x#y")) {
			assertThatThrownBy(() -> call(tool, "{\"resource\": \"inventory\", \"method\": \"GET\", \"path\": \"" + path + "\"}"))
				.as(path)
				.isInstanceOf(ToolFailure.class)
				.hasMessageContaining("'path'");
		}
		assertThatThrownBy(() -> call(tool, "{\"resource\": \"inventory\", \"method\": \"GET\", \"path\": \"/x\", \"body\": \"hi\"}"))
			.hasMessage("a GET request has no body; leave 'body' out");
		assertThatThrownBy(() -> call(tool, "{\"resource\": \"inventory\", \"path\": \"/x\"}"))
			.hasMessage("argument 'method' is required");

		assertThat(service.requests()).isEmpty();
		assertThat(inventory.calls()).isEmpty();
	}

	@Test
	void withoutResourcesEveryCallIsRefusedSayingSo() {
		ResourceApiTool tool = new ResourceApiTool(new ResourcesProperties(null), credentials, WebClient.builder());

		assertThat(tool.description()).contains("Resources: none (every call is refused).");
		assertThatThrownBy(() -> call(tool, "{\"resource\": \"inventory\", \"method\": \"GET\", \"path\": \"/x\"}"))
			.hasMessage("no resources are configured for resource_api");
	}

	@Test
	void aDeniedCredentialIsTheToolsErrorAndNothingIsSent() {
		service.policy(request -> CredentialRequestStatus.DENIED);

		assertThatThrownBy(() -> call(tool(null), """
				{"resource": "inventory", "method": "DELETE", "path": "/items/A1"}"""))
			.isInstanceOf(ToolFailure.class)
			.hasMessage("credential denied: policy: [inventory:write] is not allowed");
		assertThat(inventory.calls()).isEmpty();
		assertThat(reports).isEmpty();
	}

	@Test
	void aLongBodyIsCutAtTheResourcesLimit() {
		inventory.readBody("x".repeat(5_000));

		String result = call(tool(DataSize.ofKilobytes(1)), """
				{"resource": "inventory", "method": "GET", "path": "/big"}""");

		assertThat(result).isEqualTo("HTTP 200 OK\nContent-Type: application/json\n\n" + "x".repeat(1024)
				+ "\n[cut: the body is longer than 1KB]");
	}
}
