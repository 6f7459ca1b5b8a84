package io.colony.platform.messaging;

import io.colony.contracts.Destinations;
import io.colony.contracts.Priority;
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
			Destinations.RESIDENTS, Destinations.DLX);

	/** How many shards resident agents are spread over unless {@code colony.residents.shards} says otherwise. */
	public static final int DEFAULT_RESIDENT_SHARDS = 16;

	/**
	 * Capabilities whose agent queues ({@link #agentQueues}: normal and high) exist before any worker starts (the
	 * default agent types).
	 */
	public static final List<String> DEFAULT_CAPABILITIES = List.of("summarizer");

	public record Route(String exchange, String routingKey) {
	}

	/**
	 * @param singleActiveConsumer whether the broker delivers to one consumer at a time
	 * ({@code x-single-active-consumer}), handing the queue to the next consumer when that one goes away
	 */
	public record WorkQueue(String name, List<Route> routes, boolean singleActiveConsumer) {

		public WorkQueue(String name, List<Route> routes) {
			this(name, routes, false);
		}
	}

	private static final Map<String, WorkQueue> SERVICE_QUEUES = new LinkedHashMap<>();

	static {
		add(Destinations.ORCHESTRATOR_COMMANDS_QUEUE, new Route(Destinations.COMMANDS, Destinations.JOB_SUBMIT),
				new Route(Destinations.COMMANDS, Destinations.JOB_CANCEL));
		add(Destinations.ORCHESTRATOR_RESULTS_QUEUE,
				new Route(Destinations.RESULTS, Destinations.RESULT_FAILED_PREFIX + "#"),
				new Route(Destinations.RESULTS, Destinations.RESULT_COMPLETED_TRACKED_PREFIX + "#"));
		add(Destinations.ORCHESTRATOR_EVENTS_QUEUE, new Route(Destinations.EVENTS, Destinations.JOB_PROGRESS),
				new Route(Destinations.EVENTS, Destinations.JOB_COMPLETED));
		add(Destinations.AGGREGATOR_RESULTS_QUEUE,
				new Route(Destinations.RESULTS, Destinations.RESULT_COMPLETED_PREFIX + "#"),
				new Route(Destinations.RESULTS, Destinations.RESULT_FAILED_PREFIX + "#"));
		add(Destinations.AGGREGATOR_EVENTS_QUEUE, new Route(Destinations.EVENTS, Destinations.JOB_ACCEPTED),
				new Route(Destinations.EVENTS, Destinations.JOB_CANCELLED),
				new Route(Destinations.EVENTS, Destinations.JOB_DEADLINE),
				new Route(Destinations.EVENTS, Destinations.JOB_PLAN));
		add(Destinations.REGISTRY_AGENTS_QUEUE, new Route(Destinations.REGISTRY, Destinations.AGENT_HEARTBEAT),
				new Route(Destinations.REGISTRY, Destinations.AGENT_DEPARTED));
		add(Destinations.CREDENTIALS_USAGE_QUEUE, new Route(Destinations.CREDENTIALS, Destinations.CREDENTIAL_USED));
		add(Destinations.CREDENTIALS_JOB_EVENTS_QUEUE, new Route(Destinations.EVENTS, Destinations.JOB_COMPLETED),
				new Route(Destinations.EVENTS, Destinations.JOB_CANCELLED));
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

	/** The queue agents serving {@code capability} consume its low- and normal-priority tasks from. */
	public static WorkQueue agentQueue(String capability) {
		requireValidCapability(capability);
		return new WorkQueue(Destinations.agentQueue(capability),
				List.of(new Route(Destinations.TASKS, Destinations.taskRoutingKey(capability))));
	}

	/**
	 * The queue of {@code capability}'s high-priority tasks, {@code agent.<capability>.high}, bound to
	 * {@code task.<capability>.high}. A queue of its own because quorum queues ignore message priorities: a
	 * worker consumes it on a separate consumer, so high work never waits behind normal work already queued or
	 * prefetched. Same shape as {@link #agentQueue}: quorum, delivery limit, dead letters to its own {@code .dlq}.
	 */
	public static WorkQueue highPriorityAgentQueue(String capability) {
		requireValidCapability(capability);
		return new WorkQueue(Destinations.highPriorityAgentQueue(capability),
				List.of(new Route(Destinations.TASKS, Destinations.taskRoutingKey(capability, Priority.HIGH))));
	}

	/**
	 * The mailbox queue of one shard of resident agents, {@code residents.shard.<n>}, bound to
	 * {@code resident.shard.<n>} on {@link Destinations#RESIDENTS}: single-active-consumer, so that every
	 * resident-service instance subscribes to every shard and the broker lets exactly one of them own a shard at a
	 * time (and moves it, with its unacknowledged messages, when that instance leaves). The exchange is
	 * {@link #residentsExchange()}.
	 */
	public static WorkQueue residentShardQueue(int shard) {
		if (shard < 0) {
			throw new IllegalArgumentException("shard must be >= 0, was " + shard);
		}
		return new WorkQueue(Destinations.residentShardQueue(shard),
				List.of(new Route(Destinations.RESIDENTS, Destinations.residentShardRoutingKey(shard))), true);
	}

	/** The topic exchange resident agents' mail goes through (declared by the services that use it). */
	public static TopicExchange residentsExchange() {
		return new TopicExchange(Destinations.RESIDENTS, true, false);
	}

	/** Both queues of {@code capability}: {@link #agentQueue} and {@link #highPriorityAgentQueue}. */
	public static List<WorkQueue> agentQueues(String capability) {
		return List.of(agentQueue(capability), highPriorityAgentQueue(capability));
	}

	private static void requireValidCapability(String capability) {
		if (!Destinations.isValidCapability(capability)) {
			throw new IllegalArgumentException("invalid capability '" + capability
					+ "': use lower-case letters, digits and dashes (1-64 characters)");
		}
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
		QueueBuilder builder = QueueBuilder.durable(workQueue.name())
			.quorum()
			.deliveryLimit(deliveryLimit)
			.deadLetterExchange(Destinations.DLX)
			.deadLetterRoutingKey(workQueue.name());
		if (workQueue.singleActiveConsumer()) {
			builder.singleActiveConsumer();
		}
		Queue queue = builder.build();
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
