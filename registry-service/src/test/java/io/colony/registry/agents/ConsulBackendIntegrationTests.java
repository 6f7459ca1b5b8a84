package io.colony.registry.agents;

import io.colony.contracts.AgentHeartbeat;
import io.colony.contracts.AgentId;
import io.colony.contracts.AgentKey;
import io.colony.contracts.AgentList;
import io.colony.contracts.AgentTypeDescriptor;
import io.colony.contracts.AgentView;
import io.colony.contracts.Destinations;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.Outgoing;
import io.colony.platform.testing.Await;
import io.colony.platform.testing.ColonyTestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry service with {@code colony.registry.backend=consul}: heartbeats from the real broker end up as
 * Consul registrations and cards in a Consul stand-in, and the HTTP API serves and revokes from there.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConsulBackendIntegrationTests {

	static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	static final FakeConsul consul = FakeConsul.start();

	static final TestIssuer issuer = TestIssuer.start();

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry registry) {
		env.properties().forEach((key, value) -> registry.add(key, () -> value));
		registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", issuer::jwksUrl);
		registry.add("colony.registry.backend", () -> "consul");
		registry.add("colony.registry.consul.url", () -> consul.url().toString());
	}

	@AfterAll
	static void cleanUp() {
		issuer.close();
		consul.close();
		env.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	MessagePublisher publisher;

	@Autowired
	AmqpAdmin amqpAdmin;

	@Test
	void heartbeatsAreRegisteredInConsulAndKeysRevokedThroughTheApi() {
		RestClient http = RestClient.builder()
			.baseUrl("http://127.0.0.1:" + port + "/api/v1/registry/agents")
			.defaultStatusHandler(status -> true, (request, response) -> {
			})
			.build();
		AgentId id = AgentId.of("consul-" + UUID.randomUUID().toString().substring(0, 8));
		AgentKey key = new AgentKey("0123456789abcdef", AgentKey.ED25519, "MCowBQYDK2VwAyEA", Instant.now(), null);
		publisher.publish(Outgoing.to(Destinations.REGISTRY, Destinations.AGENT_HEARTBEAT,
				new AgentHeartbeat(id, "h:1", List.of(new AgentTypeDescriptor("summarizer", "summarizer", "sim")), 4, 1,
						"1", Duration.ofMinutes(1), Instant.now(), List.of(key))))
			.join();

		AgentView listed = Await.untilValue(Duration.ofSeconds(15), "agent listed from Consul",
				() -> http.get().uri("?capability=summarizer").retrieve().body(AgentList.class).agents(),
				agents -> agents.size() == 1).getFirst();
		assertThat(listed.agentId()).isEqualTo(id);
		assertThat(listed.keys()).containsExactly(key);
		assertThat(consul.service(id.value()).get("Tags")).isEqualTo(List.of("capability:summarizer", "type:summarizer"));

		Queue verifier = new Queue("verifier-" + UUID.randomUUID(), false, false, false);
		amqpAdmin.declareQueue(verifier);
		amqpAdmin.declareBinding(BindingBuilder.bind(verifier)
			.to(new TopicExchange(Destinations.REGISTRY))
			.with(Destinations.AGENT_KEY_REVOKED));
		ResponseEntity<AgentView> revoked = http.post()
			.uri("/{id}/keys/{key}/revoke", id.value(), key.keyId())
			.header("Authorization", issuer.bearer("registry:write"))
			.retrieve()
			.toEntity(AgentView.class);

		assertThat(revoked.getStatusCode().value()).isEqualTo(200);
		assertThat(revoked.getBody().keys().getFirst().revokedAt()).isNotNull();
		assertThat(consul.value(ConsulAgentRegistry.CARDS + id.value())).contains("\"revokedAt\":\"");
	}
}
