package io.colony.infra;

import io.colony.platform.messaging.TopologyDefinitions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code infra/rabbitmq/definitions.json} is generated from the code's topology and must not drift from it. */
class RabbitDefinitionsTests {

	static final Path DEFINITIONS = Path.of("rabbitmq/definitions.json");

	@Test
	void committedDefinitionsMatchTheTopologyInCode() throws Exception {
		assertThat(Files.readString(DEFINITIONS))
			.as("infra/rabbitmq/definitions.json is stale; regenerate it with the TopologyDefinitions main class "
					+ "(see infra/README.md)")
			.isEqualTo(TopologyDefinitions.render(5));
	}

	@Test
	void everyWorkQueueIsAQuorumQueueWithADeliveryLimitAndADeadLetterQueue() throws Exception {
		JsonNode root = JsonMapper.builder().build().readTree(Files.readString(DEFINITIONS));
		Set<String> names = new HashSet<>();
		root.get("queues").forEach(queue -> names.add(queue.get("name").asString()));
		int workQueues = 0;
		for (JsonNode queue : root.get("queues")) {
			String name = queue.get("name").asString();
			assertThat(queue.get("durable").asBoolean()).as(name + " durable").isTrue();
			assertThat(queue.get("arguments").get("x-queue-type").asString()).as(name + " type").isEqualTo("quorum");
			if (name.endsWith(".dlq")) {
				continue;
			}
			workQueues++;
			JsonNode arguments = queue.get("arguments");
			assertThat(arguments.get("x-delivery-limit").asInt()).as(name + " delivery limit").isPositive();
			assertThat(arguments.get("x-dead-letter-exchange").asString()).isEqualTo("colony.dlx");
			assertThat(arguments.get("x-dead-letter-routing-key").asString()).isEqualTo(name);
			assertThat(names).as(name + " has a dead-letter queue").contains(name + ".dlq");
		}
		assertThat(workQueues).isGreaterThanOrEqualTo(7);
	}
}
