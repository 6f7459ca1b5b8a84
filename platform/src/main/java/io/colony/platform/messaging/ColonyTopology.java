package io.colony.platform.messaging;

import io.colony.contracts.Destinations;
import org.springframework.amqp.core.Base64UrlNamingStrategy;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mesh's RabbitMQ topology in one place: every exchange, every service's work queue with its
 * bindings, and the shape of per-capability agent queues. Services declare what they consume from here
 * at start-up; {@link TopologyDefinitions} exports the same model to {@code infra/rabbitmq/definitions.json}.
 *
 * <p>Every work queue is a durable quorum queue with an explicit delivery limit that dead-letters to
 * {@link Destinations#DLX} under its own name, into its {@code .dlq}.
 */
public final class ColonyTopology {

	public static final List<String> EXCHANGES = List.of(Destinations.COMMANDS, Destinations.TASKS,
			Destinations.RESULTS, Destinations.EVENTS, Destinations.CREDENTIALS, Destinations.REGISTRY,
			Destinations.DLX);

	/** Capabilities whose agent queues exist before any worker starts (the default agent types). */
	public static final List<String> DEFAULT_CAPABILITIES = List.of("summarizer");

	public record Route(String exchange, String routingKey) {
	}

	public record WorkQueue(String name, List<Route> routes) {
	}

	private static final Map<String, WorkQueue> SERVICE_QUEUES = new LinkedHashMap<>();

	static {
		add(Destinations.ORCHESTRATOR_COMMANDS_QUEUE, new Route(Destinations.COMMANDS, Destinations.JOB_SUBMIT),
				new Route(Destinations.COMMANDS, Destinations.JOB_CANCEL));
		add(Destinations.ORCHESTRATOR_RESULTS_QUEUE,
				new Route(Destinations.RESULTS, Destinations.RESULT_FAILED_PREFIX + "#"));
		add(Destinations.ORCHESTRATOR_EVENTS_QUEUE, new Route(Destinations.EVENTS, Destinations.JOB_PROGRESS),
				new Route(Destinations.EVENTS, Destinations.JOB_COMPLETED));
		add(Destinations.AGGREGATOR_RESULTS_QUEUE,
				new Route(Destinations.RESULTS, Destinations.RESULT_COMPLETED_PREFIX + "#"),
				new Route(Destinations.RESULTS, Destinations.RESULT_FAILED_PREFIX + "#"));
		add(Destinations.AGGREGATOR_EVENTS_QUEUE, new Route(Destinations.EVENTS, Destinations.JOB_ACCEPTED),
				new Route(Destinations.EVENTS, Destinations.JOB_CANCELLED),
				new Route(Destinations.EVENTS, Destinations.JOB_DEADLINE));
		add(Destinations.REGISTRY_AGENTS_QUEUE, new Route(Destinations.REGISTRY, Destinations.AGENT_HEARTBEAT),
				new Route(Destinations.REGISTRY, Destinations.AGENT_DEPARTED));
	}

	private ColonyTopology() {
	}

	private static void add(String name, Route... routes) {
		SERVICE_QUEUES.put(name, new WorkQueue(name, List.of(routes)));
	}

	/** Every service-owned work queue, in declaration order. */
	public static List<WorkQueue> serviceQueues() {
		return List.copyOf(SERVICE_QUEUES.values());
	}

	/** @throws IllegalArgumentException for a name that is not a service work queue */
	public static WorkQueue serviceQueue(String name) {
		WorkQueue queue = SERVICE_QUEUES.get(name);
		if (queue == null) {
			throw new IllegalArgumentException("no work queue named '" + name + "' in the Colony topology");
		}
		return queue;
	}

	/** The queue agents serving {@code capability} consume. */
	public static WorkQueue agentQueue(String capability) {
		if (!Destinations.isValidCapability(capability)) {
			throw new IllegalArgumentException("invalid capability '" + capability
					+ "': use lower-case letters, digits and dashes (1-64 characters)");
		}
		return new WorkQueue(Destinations.agentQueue(capability),
				List.of(new Route(Destinations.TASKS, Destinations.taskRoutingKey(capability))));
	}

	/**
	 * A queue private to one process, for events every instance must see (the gateway's job events, a
	 * worker's cancellations): classic, non-durable, exclusive and auto-deleted, named {@code prefix} plus a
	 * random suffix, bound by {@code routes}. Not a work queue: the copies it receives are the process's own,
	 * so it has no dead-letter queue or delivery limit. Spring's {@code AnonymousQueue} is not used because
	 * it adds {@code x-queue-leader-locator}, which RabbitMQ refuses on classic queues.
	 */
	public static Declarables privateQueue(String prefix, Route... routes) {
		Queue queue = QueueBuilder.nonDurable(new Base64UrlNamingStrategy(prefix).generateName())
			.exclusive()
			.autoDelete()
			.build();
		List<Declarable> declarables = new ArrayList<>();
		declarables.add(queue);
		for (Route route : routes) {
			declarables.add(new Binding(queue.getName(), Binding.DestinationType.QUEUE, route.exchange(),
					route.routingKey(), null));
		}
		return new Declarables(declarables);
	}

	public static Declarables exchanges() {
		List<Declarable> declarables = new ArrayList<>();
		for (String name : EXCHANGES) {
			declarables.add(new TopicExchange(name, true, false));
		}
		return new Declarables(declarables);
	}

	/** The work queue, its bindings, its dead-letter queue and that queue's binding to the DLX. */
	public static Declarables declarables(WorkQueue workQueue, int deliveryLimit) {
		List<Declarable> declarables = new ArrayList<>();
		Queue queue = QueueBuilder.durable(workQueue.name())
			.quorum()
			.deliveryLimit(deliveryLimit)
			.deadLetterExchange(Destinations.DLX)
			.deadLetterRoutingKey(workQueue.name())
			.build();
		declarables.add(queue);
		for (Route route : workQueue.routes()) {
			declarables.add(new Binding(workQueue.name(), Binding.DestinationType.QUEUE, route.exchange(),
					route.routingKey(), null));
		}
		Queue deadLetters = QueueBuilder.durable(Destinations.deadLetterQueue(workQueue.name())).quorum().build();
		declarables.add(deadLetters);
		declarables.add(BindingBuilder.bind(deadLetters).to(new TopicExchange(Destinations.DLX)).with(workQueue.name()));
		return new Declarables(declarables);
	}
}
