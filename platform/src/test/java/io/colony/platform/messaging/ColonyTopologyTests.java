package io.colony.platform.messaging;

import io.colony.contracts.Destinations;
import io.colony.contracts.Priority;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.Queue;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ColonyTopologyTests {

	@Test
	void highPriorityTasksHaveAQuorumQueueOfTheirOwnWithDeadLettersAndADeliveryLimit() {
		Declarables declarables = ColonyTopology.declarables(ColonyTopology.highPriorityAgentQueue("reviewer"), 5);

		Queue queue = declarables.getDeclarablesByType(Queue.class).getFirst();
		assertThat(queue.getName()).isEqualTo("agent.reviewer.high").isEqualTo(Destinations.highPriorityAgentQueue("reviewer"));
		assertThat(queue.isDurable()).isTrue();
		assertThat(queue.getArguments()).containsAllEntriesOf(Map.of("x-queue-type", "quorum", "x-delivery-limit", 5,
				"x-dead-letter-exchange", Destinations.DLX, "x-dead-letter-routing-key", "agent.reviewer.high"));
		assertThat(declarables.getDeclarablesByType(Queue.class)).extracting(Queue::getName)
			.containsExactly("agent.reviewer.high", "agent.reviewer.high.dlq");
		assertThat(declarables.getDeclarablesByType(Binding.class))
			.extracting(Binding::getExchange, Binding::getRoutingKey, Binding::getDestination)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(Destinations.TASKS, "task.reviewer.high", "agent.reviewer.high"),
					org.assertj.core.groups.Tuple.tuple(Destinations.DLX, "agent.reviewer.high", "agent.reviewer.high.dlq"));
		assertThat(Destinations.taskRoutingKey("reviewer", Priority.HIGH)).isEqualTo("task.reviewer.high");
	}

	@Test
	void lowAndNormalTasksShareTheCapabilitysQueue() {
		assertThat(ColonyTopology.agentQueues("reviewer")).extracting(ColonyTopology.WorkQueue::name)
			.containsExactly("agent.reviewer", "agent.reviewer.high");
		ColonyTopology.WorkQueue normal = ColonyTopology.agentQueue("reviewer");
		assertThat(normal.routes()).containsExactly(new ColonyTopology.Route(Destinations.TASKS, "task.reviewer"));
		assertThat(Destinations.taskRoutingKey("reviewer", Priority.LOW)).isEqualTo("task.reviewer");
		assertThat(Destinations.taskRoutingKey("reviewer", Priority.NORMAL)).isEqualTo("task.reviewer");
	}

	@Test
	void anInvalidCapabilityHasNoQueues() {
		assertThatIllegalArgumentException().isThrownBy(() -> ColonyTopology.highPriorityAgentQueue("Bad Name"))
			.withMessageContaining("invalid capability 'Bad Name'");
	}

	@Test
	void theDefinitionsDeclareBothQueuesOfEveryDefaultCapability() {
		JsonNode definitions = JsonMapper.builder().build().readTree(TopologyDefinitions.render(5));
		List<String> queues = definitions.path("queues").valueStream().map(queue -> queue.path("name").asString()).toList();
		List<String> bindings = definitions.path("bindings")
			.valueStream()
			.map(binding -> binding.path("source").asString() + " " + binding.path("routing_key").asString() + " -> "
					+ binding.path("destination").asString())
			.toList();
		for (String capability : ColonyTopology.DEFAULT_CAPABILITIES) {
			assertThat(queues).contains("agent." + capability, "agent." + capability + ".dlq", "agent." + capability + ".high",
					"agent." + capability + ".high.dlq");
			assertThat(bindings).contains("colony.tasks task." + capability + ".high -> agent." + capability + ".high",
					"colony.dlx agent." + capability + ".high -> agent." + capability + ".high.dlq");
		}
	}

	@Test
	void aResidentShardIsASingleActiveConsumerQuorumQueueWithDeadLetters() {
		Declarables declarables = ColonyTopology.declarables(ColonyTopology.residentShardQueue(3), 5);

		Queue queue = declarables.getDeclarablesByType(Queue.class).getFirst();
		assertThat(queue.getName()).isEqualTo("residents.shard.3");
		assertThat(queue.getArguments()).containsAllEntriesOf(Map.of("x-queue-type", "quorum", "x-delivery-limit", 5,
				"x-single-active-consumer", true, "x-dead-letter-exchange", Destinations.DLX,
				"x-dead-letter-routing-key", "residents.shard.3"));
		assertThat(declarables.getDeclarablesByType(Binding.class))
			.extracting(Binding::getExchange, Binding::getRoutingKey, Binding::getDestination)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(Destinations.RESIDENTS, "resident.shard.3", "residents.shard.3"),
					org.assertj.core.groups.Tuple.tuple(Destinations.DLX, "residents.shard.3", "residents.shard.3.dlq"));
		assertThat(ColonyTopology.agentQueue("reviewer").singleActiveConsumer()).isFalse();
	}
}
