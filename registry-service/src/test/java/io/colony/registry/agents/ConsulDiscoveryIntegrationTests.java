package io.colony.registry.agents;

import io.colony.platform.testing.Await;
import io.colony.platform.testing.ColonyTestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code COLONY_CONSUL_DISCOVERY=true} a service registers itself in Consul through Spring Cloud Consul
 * discovery (here the registry, against the Consul stand-in), with an HTTP check on its health endpoint.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConsulDiscoveryIntegrationTests {

	private static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	private static final FakeConsul consul = FakeConsul.start();

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry registry) {
		env.properties().forEach((key, value) -> registry.add(key, () -> value));
		registry.add("COLONY_CONSUL_DISCOVERY", () -> "true");
		registry.add("COLONY_CONSUL_PORT", () -> consul.url().getPort());
	}

	@AfterAll
	static void close() {
		consul.close();
		env.close();
	}

	@Test
	void theServiceRegistersItselfWithAHealthCheck() {
		String id = Await.untilValue(Duration.ofSeconds(30), "the registry registered in Consul",
				() -> consul.servicesNamed("registry"), ids -> !ids.isEmpty()).getFirst();

		Map<String, Object> service = consul.service(id);
		assertThat(id).startsWith("registry-");
		assertThat(service).containsEntry("Status", "passing");
	}
}
