package io.colony.worker.task;

import io.colony.contracts.Destinations;
import io.colony.contracts.TaskAssigned;
import io.colony.contracts.TaskCompleted;
import io.colony.contracts.TaskFailed;
import io.colony.contracts.TaskMessage;
import io.colony.contracts.TaskResult;
import io.colony.contracts.UnknownTaskMessage;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.ColonyTopology;
import io.colony.platform.messaging.Inbound;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.Outgoing;
import io.colony.platform.messaging.PermanentFailure;
import io.colony.worker.WorkerIdentity;
import io.colony.worker.WorkerProperties;
import io.colony.worker.agent.AgentLoop;
import io.colony.worker.agent.CodedAgents;
import io.colony.worker.agent.LoopOutcome;
import io.colony.worker.cancellation.CancelledJobs;
import io.colony.worker.catalog.AgentType;
import io.colony.worker.catalog.ServedAgentTypes;
import io.colony.worker.identity.WorkerKeys;
import io.colony.worker.telemetry.TaskTelemetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs tasks: per capability served, one consumer of {@code agent.<capability>} (low and normal tasks) and one of
 * {@code agent.<capability>.high}, each with a prefetch of {@code colony.worker.capacity}; high tasks have their
 * own consumer so that they never wait behind the normal queue's prefetch. A task received is admitted to run by
 * the {@link TaskScheduler} (at most {@code colony.worker.max-running-tasks} at once, high first, then normal, then
 * low); it "starts" (its {@code startedAt}) when it leaves the scheduler, and its LLM calls wait for the
 * provider's permits in priority order too. The
 * handler returns at once with a stage that completes when the task's result is confirmed by the broker,
 * so the message is acknowledged only then, and a worker that dies mid-task loses nothing: the broker
 * redelivers its unacknowledged tasks to another worker, and the deterministic result ids make the
 * re-run's result a duplicate downstream.
 *
 * <p>Tasks of cancelled jobs and tasks past their deadline are acknowledged without running and without a
 * result; the orchestrator and aggregator account for those jobs already.
 */
final class TaskExecution implements InitializingBean, SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(TaskExecution.class);

	private static final CompletableFuture<Void> DROPPED = CompletableFuture.completedFuture(null);

	private final ColonyConsumers consumers;

	private final MessagePublisher publisher;

	private final AgentLoop loop;

	private final CancelledJobs cancelledJobs;

	private final InFlightTasks inFlight;

	private final WorkerIdentity identity;

	private final WorkerProperties properties;

	private final ServedAgentTypes agentTypes;

	private final Clock clock;

	private final WorkerKeys keys;

	private final TaskTelemetry telemetry;

	private final TaskScheduler scheduler;

	private final CodedAgents codedAgents;

	private volatile boolean running;

	private volatile boolean draining;

	TaskExecution(ColonyConsumers consumers, MessagePublisher publisher, AgentLoop loop, ServedAgentTypes agentTypes,
			CancelledJobs cancelledJobs, InFlightTasks inFlight, WorkerIdentity identity, WorkerProperties properties,
			Clock clock, WorkerKeys keys, TaskTelemetry telemetry, TaskScheduler scheduler, CodedAgents codedAgents) {
		this.consumers = consumers;
		this.scheduler = scheduler;
		this.codedAgents = codedAgents;
		this.telemetry = telemetry;
		this.keys = keys;
		this.publisher = publisher;
		this.loop = loop;
		this.agentTypes = agentTypes;
		this.cancelledJobs = cancelledJobs;
		this.inFlight = inFlight;
		this.identity = identity;
		this.properties = properties;
		this.clock = clock;
		cancelledJobs.onCancelled(jobId -> {
			int stopped = inFlight.cancelJob(jobId);
			if (stopped > 0) {
				log.info("stopped {} running task(s) of cancelled job {}", stopped, jobId);
			}
		});
	}

	/**
	 * Declares the queues results are routed to as well, so that a result is never unroutable because this
	 * worker started before the aggregator or orchestrator; the declarations are idempotent.
	 */
	@Override
	public void afterPropertiesSet() {
		consumers.declare(ColonyTopology.serviceQueue(Destinations.AGGREGATOR_RESULTS_QUEUE));
		consumers.declare(ColonyTopology.serviceQueue(Destinations.ORCHESTRATOR_RESULTS_QUEUE));
		for (String capability : agentTypes.capabilities()) {
			for (ColonyTopology.WorkQueue queue : ColonyTopology.agentQueues(capability)) {
				consumers.consume(queue, TaskMessage.class, properties.capacity(), 1,
						inbound -> executeTask(inbound, capability));
			}
			log.info("serving capability '{}' from {} and {} with capacity {} each, {} task(s) running at once",
					capability, Destinations.agentQueue(capability), Destinations.highPriorityAgentQueue(capability),
					properties.capacity(), properties.maxRunningTasks());
		}
	}

	CompletionStage<?> executeTask(Inbound<TaskMessage> inbound, String capability) {
		return switch (inbound.payload()) {
			case UnknownTaskMessage unknown ->
				throw new PermanentFailure("unknown task message type '" + unknown.type() + "'");
			case TaskAssigned task -> execute(task, inbound, capability);
		};
	}

	private CompletionStage<?> execute(TaskAssigned task, Inbound<?> inbound, String capability) {
		if (draining) {
			// Not started, not acknowledged: the broker returns it to the queue when this worker's channel closes.
			return new CompletableFuture<Void>();
		}
		requireComplete(task);
		if (isToBeDropped(task)) {
			return DROPPED;
		}
		CompletableFuture<Void> acknowledged = new CompletableFuture<>();
		InFlightTasks.Running running = inFlight.begin(task.jobId(), acknowledged);
		AgentType agentType = agentTypes.get(task.agentType()).orElse(null);
		// Observed here, on the consumer's thread, so that the task's consumer span is the parent of its LLM and tool
		// spans, and its ids reach every log line of the task.
		// A task may wait in the scheduler for a while: its job may be cancelled or its deadline pass meanwhile, so
		// both are checked again when it starts; such a task is acknowledged without a result (empty outcome).
		// One handed back on shutdown before it started completes empty, is not counted as a task's outcome, and is
		// left unacknowledged, so that the broker redelivers it.
		AtomicBoolean handedBack = new AtomicBoolean();
		Mono<TaskResult> outcome = telemetry.observeTask(task,
				scheduler.run(task.priority(), Mono.defer(() -> isToBeDropped(task) ? Mono.<TaskResult>empty()
						: agentType == null ? Mono.just(notServed(task)) : run(task, agentType)))
					.onErrorResume(TaskScheduler.HandedBack.class, error -> {
						handedBack.set(true);
						return Mono.empty();
					}));
		running.attach(outcome.flatMap(result -> Mono.fromFuture(() -> publish(result, task, inbound, capability)))
			.doFinally(signal -> inFlight.end(running))
			.subscribe(ignored -> {
			}, acknowledged::completeExceptionally, () -> {
				if (!handedBack.get()) {
					acknowledged.complete(null);
				}
			}));
		if (cancelledJobs.isCancelled(task.jobId())) {
			running.cancel();
		}
		return acknowledged;
	}

	private boolean isToBeDropped(TaskAssigned task) {
		if (cancelledJobs.isCancelled(task.jobId())) {
			log.debug("dropping task {} of cancelled job {}", task.taskId(), task.jobId());
			return true;
		}
		if (task.deadline() != null && !task.deadline().isAfter(clock.instant())) {
			log.debug("dropping task {} of job {}: its deadline {} has passed", task.taskId(), task.jobId(),
					task.deadline());
			return true;
		}
		return false;
	}

	/** Called when the task leaves the scheduler: that moment is its {@code startedAt}. */
	private Mono<TaskResult> run(TaskAssigned task, AgentType agentType) {
		Instant startedAt = clock.instant();
		// an agent type with a handler is a coded workflow (e.g. github-pr-review), not an LLM loop
		Mono<LoopOutcome> outcomes = agentType.handler() == null ? loop.run(task, agentType)
				: codedAgents.run(task, agentType);
		return outcomes.map(outcome -> switch (outcome) {
			case LoopOutcome.Answered answered -> new TaskCompleted(task.jobId(), task.taskId(), task.tenant(),
					task.input().id(), task.attempt(), identity.agentId(), answered.output(), answered.usage(), startedAt,
					clock.instant(), answered.steps());
			case LoopOutcome.Stopped stopped -> {
				log.warn("task {} of job {} attempt {} stopped: {} (retryable: {})", task.taskId(), task.jobId(),
						task.attempt(), stopped.reason(), stopped.retryable());
				yield new TaskFailed(task.jobId(), task.taskId(), task.tenant(), task.input().id(), task.attempt(),
						identity.agentId(), stopped.reason(), stopped.retryable(), task.isFinalAttempt(), clock.instant(),
						stopped.usage(), stopped.steps());
			}
		});
	}

	private TaskFailed notServed(TaskAssigned task) {
		String reason = "agent type '" + task.agentType() + "' not served by " + identity.agentId() + " (serves "
				+ String.join(", ", agentTypes.names()) + ")";
		log.warn("task {} of job {}: {}", task.taskId(), task.jobId(), reason);
		return failed(task, reason, false);
	}

	private TaskFailed failed(TaskAssigned task, String reason, boolean retryable) {
		return new TaskFailed(task.jobId(), task.taskId(), task.tenant(), task.input().id(), task.attempt(),
				identity.agentId(), reason, retryable, task.isFinalAttempt(), clock.instant());
	}

	/**
	 * Signs {@code result} with this worker's key (the aggregator records only verified results), once a heartbeat
	 * has announced that key.
	 */
	private CompletableFuture<Void> publish(TaskResult result, TaskAssigned task, Inbound<?> inbound,
			String capability) {
		return keys.firstAnnouncement().thenCompose(announced -> {
			TaskResult signed = keys.sign(result);
			return publisher.publish(Outgoing.to(Destinations.RESULTS, Destinations.resultRoutingKey(signed, capability, task.tracked()),
					signed)
				.withTenant(task.tenant())
				.withMessageId(ResultMessageIds.of(result))
				.causedBy(inbound));
		});
	}

	@Override
	public void start() {
		running = true;
	}

	/**
	 * Graceful shutdown, before the consumers stop: no new task starts, and tasks waiting in the scheduler are
	 * handed back at once (unacknowledged, the broker redelivers them); tasks already running get
	 * {@code colony.worker.drain-timeout} to finish and be acknowledged; the rest are stopped unacknowledged,
	 * so the broker hands them to another worker when the channel closes. Nothing is lost, and no task both
	 * finishes here and runs again elsewhere, except one whose result was confirmed in the instant before it
	 * was stopped, which the result's deterministic message id makes a duplicate downstream.
	 */
	@Override
	public void stop() {
		draining = true;
		int waiting = scheduler.close();
		if (waiting > 0) {
			log.info("draining: {} task(s) waiting to start handed back to the broker", waiting);
		}
		int holding = inFlight.count();
		log.info("draining: {} task(s) running get up to {} to finish", holding, properties.drainTimeout());
		try {
			if (!inFlight.awaitIdle(properties.drainTimeout())) {
				int handedBack = inFlight.handBackAll();
				log.info("drain timeout: {} running task(s) handed back to the broker for another worker", handedBack);
			}
			else if (holding > 0) {
				log.info("drained: every running task finished");
			}
		}
		catch (InterruptedException interrupted) {
			Thread.currentThread().interrupt();
			inFlight.handBackAll();
		}
		running = false;
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	/** Stops (drains) before the consumers, whose channels must stay open for the acknowledgements. */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE - 50;
	}

	/** A task without these cannot be answered (nor its result attributed), however often it is delivered. */
	private static void requireComplete(TaskAssigned task) {
		StringBuilder missing = new StringBuilder();
		if (task.jobId() == null) {
			missing.append(" jobId");
		}
		if (task.taskId() == null) {
			missing.append(" taskId");
		}
		if (task.tenant() == null) {
			missing.append(" tenant");
		}
		if (task.agentType() == null) {
			missing.append(" agentType");
		}
		if (task.input() == null) {
			missing.append(" input");
		}
		if (task.attempt() < 1) {
			missing.append(" attempt");
		}
		if (!missing.isEmpty()) {
			throw new PermanentFailure("TaskAssigned lacks" + missing);
		}
	}
}
