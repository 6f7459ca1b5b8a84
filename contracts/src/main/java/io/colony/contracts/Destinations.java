package io.colony.contracts;

/**
 * Every RabbitMQ exchange, routing key and shared queue name in the mesh. All exchanges are durable
 * topic exchanges; every work queue dead-letters to {@link #DLX} with its own name as routing key into
 * {@code <queue>.dlq}.
 */
public final class Destinations {

	public static final String COMMANDS = "colony.commands";
	public static final String TASKS = "colony.tasks";
	public static final String RESULTS = "colony.results";
	public static final String EVENTS = "colony.events";
	public static final String CREDENTIALS = "colony.credentials";
	public static final String REGISTRY = "colony.registry";
	public static final String DLX = "colony.dlx";

	public static final String JOB_SUBMIT = "job.submit";
	public static final String JOB_CANCEL = "job.cancel";

	public static final String JOB_ACCEPTED = "job.accepted";
	public static final String JOB_PROGRESS = "job.progress";
	public static final String JOB_COMPLETED = "job.completed";
	public static final String JOB_CANCELLED = "job.cancelled";
	public static final String JOB_DEADLINE = "job.deadline";

	public static final String AGENT_HEARTBEAT = "agent.heartbeat";
	public static final String AGENT_DEPARTED = "agent.departed";
	public static final String AGENT_KEY_REVOKED = "agent.key.revoked";
	public static final String AGENT_KEY_ROTATION = "agent.key.rotation";

	/** Orchestrator: {@code SubmitJob} and {@code CancelJob}. */
	public static final String ORCHESTRATOR_COMMANDS_QUEUE = "orchestrator.commands";
	/** Orchestrator: failed task attempts, for retries. */
	public static final String ORCHESTRATOR_RESULTS_QUEUE = "orchestrator.results";
	/** Orchestrator: progress and completion, for the job view. */
	public static final String ORCHESTRATOR_EVENTS_QUEUE = "orchestrator.job-events";
	/** Aggregator: every task result. */
	public static final String AGGREGATOR_RESULTS_QUEUE = "aggregator.results";
	/** Aggregator: acceptance, cancellation and deadlines. */
	public static final String AGGREGATOR_EVENTS_QUEUE = "aggregator.job-events";
	/** Registry: heartbeats and departures. */
	public static final String REGISTRY_AGENTS_QUEUE = "registry.agents";

	public static final String RESULT_COMPLETED_PREFIX = "result.completed.";
	public static final String RESULT_FAILED_PREFIX = "result.failed.";

	private Destinations() {
	}

	/** Routing key of a task on {@link #TASKS}. */
	public static String taskRoutingKey(String capability) {
		return "task." + capability;
	}

	/** The durable work queue that agents serving {@code capability} consume. */
	public static String agentQueue(String capability) {
		return "agent." + capability;
	}

	/** The dead-letter queue of a work queue. */
	public static String deadLetterQueue(String queue) {
		return queue + ".dlq";
	}

	/** Routing key of a result on {@link #RESULTS}: {@code result.<completed|failed>.<capability>}. */
	public static String resultRoutingKey(TaskResult result, String capability) {
		return switch (result) {
			case TaskCompleted completed -> RESULT_COMPLETED_PREFIX + capability;
			case TaskFailed failed -> RESULT_FAILED_PREFIX + capability;
			case UnknownTaskResult unknown -> "result.unknown." + capability;
		};
	}

	/**
	 * A capability names a queue, so it is restricted to what is safe in a routing key: lower-case
	 * letters, digits and dashes, 1 to 64 characters.
	 */
	public static boolean isValidCapability(String capability) {
		return capability != null && capability.matches("[a-z0-9][a-z0-9-]{0,63}");
	}
}
