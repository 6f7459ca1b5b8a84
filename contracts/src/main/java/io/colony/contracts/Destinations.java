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
	/** Resident agents' mailboxes: {@code resident.shard.<n>} into {@code residents.shard.<n>}. */
	public static final String RESIDENTS = "colony.residents";

	public static final String JOB_SUBMIT = "job.submit";
	public static final String JOB_CANCEL = "job.cancel";

	public static final String JOB_ACCEPTED = "job.accepted";
	public static final String JOB_PROGRESS = "job.progress";
	public static final String JOB_COMPLETED = "job.completed";
	public static final String JOB_CANCELLED = "job.cancelled";
	public static final String JOB_DEADLINE = "job.deadline";
	public static final String JOB_PLAN = "job.plan";

	public static final String RESIDENT_REPLIED = "resident.replied";

	public static final String AGENT_HEARTBEAT = "agent.heartbeat";
	public static final String AGENT_DEPARTED = "agent.departed";
	public static final String AGENT_KEY_REVOKED = "agent.key.revoked";
	public static final String AGENT_KEY_ROTATION = "agent.key.rotation";

	public static final String CREDENTIAL_APPROVAL_REQUESTED = "credential.approval.requested";
	public static final String CREDENTIAL_DECIDED = "credential.decided";
	public static final String CREDENTIAL_REVOKED = "credential.revoked";
	public static final String CREDENTIAL_USED = "credential.used";

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
	/** Credential service: workers' reports of credential use, for the audit log. */
	public static final String CREDENTIALS_USAGE_QUEUE = "credentials.usage";
	/** Credential service: jobs that ended, whose leases end with them. */
	public static final String CREDENTIALS_JOB_EVENTS_QUEUE = "credentials.job-events";

	public static final String RESULT_COMPLETED_PREFIX = "result.completed.";
	public static final String RESULT_FAILED_PREFIX = "result.failed.";
	/** Results of tasks the orchestrator follows ({@link TaskAssigned#tracked()}): {@code result.completed.tracked.<capability>}. */
	public static final String RESULT_COMPLETED_TRACKED_PREFIX = "result.completed.tracked.";

	private Destinations() {
	}

	/** Routing key of a task on {@link #TASKS}. */
	public static String taskRoutingKey(String capability) {
		return "task." + capability;
	}

	/**
	 * Routing key of a task of the given priority: {@code high} tasks go to {@code task.<capability>.high}, bound to
	 * {@link #highPriorityAgentQueue}, so they never wait behind normal work already queued or prefetched.
	 */
	public static String taskRoutingKey(String capability, Priority priority) {
		return priority == Priority.HIGH ? taskRoutingKey(capability) + ".high" : taskRoutingKey(capability);
	}

	/** The work queue of a capability's high-priority tasks. */
	public static String highPriorityAgentQueue(String capability) {
		return agentQueue(capability) + ".high";
	}

	/**
	 * The shard of a resident agent: a stable hash of its id (CRC32 of the UTF-8 bytes) modulo {@code shards}.
	 * Every producer and consumer must use the same number of shards.
	 */
	public static int residentShard(ResidentId agentId, int shards) {
		java.util.zip.CRC32 crc = new java.util.zip.CRC32();
		crc.update(agentId.value().getBytes(java.nio.charset.StandardCharsets.UTF_8));
		return (int) (crc.getValue() % shards);
	}

	/** Routing key of a resident agent's mail on {@link #RESIDENTS}. */
	public static String residentShardRoutingKey(int shard) {
		return "resident.shard." + shard;
	}

	/** The single-active-consumer queue of one shard of resident agents. */
	public static String residentShardQueue(int shard) {
		return "residents.shard." + shard;
	}

	/** The durable work queue that agents serving {@code capability} consume. */
	public static String agentQueue(String capability) {
		return "agent." + capability;
	}

	/** The dead-letter queue of a work queue. */
	public static String deadLetterQueue(String queue) {
		return queue + ".dlq";
	}

	/**
	 * Routing key of a result, {@code tracked} or not: a tracked task's success goes to
	 * {@code result.completed.tracked.<capability>} so that the orchestrator hears it; failures always reach it.
	 */
	public static String resultRoutingKey(TaskResult result, String capability, boolean tracked) {
		return tracked && result instanceof TaskCompleted ? RESULT_COMPLETED_TRACKED_PREFIX + capability
				: resultRoutingKey(result, capability);
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
