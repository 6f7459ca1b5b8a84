package io.colony.orchestrator.hold;

import io.colony.contracts.Destinations;
import io.colony.contracts.JobId;
import io.colony.contracts.JobInput;
import io.colony.contracts.Priority;
import io.colony.contracts.TaskAssigned;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import io.colony.orchestrator.capability.AgentQueues;
import io.colony.orchestrator.capability.CapabilityAnswer;
import io.colony.orchestrator.capability.CapabilityDirectory;
import io.colony.orchestrator.flow.TaskGraph;
import io.colony.orchestrator.job.TaskAssignments;
import io.colony.platform.outbox.Outbox;
import io.colony.platform.outbox.OutboxMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Dispatches held jobs (accepted with {@code whenNoAgent = hold} while no live agent served their type) once
 * the registry lists an agent for the type: every {@code held-job-poll} it asks the registry about the agent
 * types of held jobs only, so it costs nothing while no job is held and one query per held type otherwise.
 *
 * <p>Polling rather than listening to {@code agent.heartbeat}: the registry decides what is live (TTLs,
 * departures, revoked keys) and what the pools' loads are, which the least-loaded choice needs anyway; a
 * heartbeat listener would consume every agent's heartbeats on every orchestrator instance to serve a rare
 * held job, and would still have to ask the registry. The price is up to one poll interval of delay.
 *
 * <p>Exactly once: a held job is claimed with {@code FOR UPDATE SKIP LOCKED} and, in one transaction, gets its
 * capability (the least-loaded pool at that moment), loses its held mark and has its {@code TaskAssigned}
 * written to the outbox (with the same deterministic message ids a dispatch at submit would have); so any
 * number of instances may poll, and a restart simply finds the held jobs in the database. A job that is
 * cancelled, or past its deadline (flagged or not), is never dispatched: the deadline sweeper ends it the
 * usual way. While the registry cannot be asked, held jobs keep waiting.
 *
 * <p>Runs on its own (virtual) thread, not the shared scheduler, since a registry query may block for its
 * timeout.
 */
@Component
class HeldJobs implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(HeldJobs.class);

	private static final String DISPATCHABLE = """
			held_since is not null and status = 'ACCEPTED' and deadline_flagged_at is null and deadline > now()
			""";

	private static final String HELD_AGENT_TYPES = "select distinct agent from jobs where " + DISPATCHABLE;

	private static final String CLAIM_HELD = """
			select job_id, tenant, agent, instruction, priority, max_attempts, deadline, model, max_tokens, max_cost_usd,
			       tracked
			from jobs where agent = ? and\s""" + DISPATCHABLE + """
			order by held_since
			limit ?
			for update skip locked
			""";

	private record HeldJob(JobId jobId, TenantId tenant, String agent, String instruction, Priority priority,
			int maxAttempts, Instant deadline, String model, Long maxTokens, BigDecimal maxCostUsd, boolean tracked) {
	}

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final Outbox outbox;

	private final CapabilityDirectory capabilities;

	private final AgentQueues agentQueues;

	private final HoldProperties properties;

	private final TaskGraph taskGraph;

	private final Clock clock = Clock.systemUTC();

	private volatile ScheduledExecutorService scheduler;

	HeldJobs(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, Outbox outbox,
			CapabilityDirectory capabilities, AgentQueues agentQueues, HoldProperties properties, TaskGraph taskGraph) {
		this.jdbc = jdbc;
		this.taskGraph = taskGraph;
		this.transactions = new TransactionTemplate(transactionManager);
		this.outbox = outbox;
		this.capabilities = capabilities;
		this.agentQueues = agentQueues;
		this.properties = properties;
	}

	@Override
	public void start() {
		scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("held-jobs").factory());
		long period = properties.heldJobPoll().toMillis();
		scheduler.scheduleWithFixedDelay(this::pollSafely, period, period, TimeUnit.MILLISECONDS);
	}

	@Override
	public void stop() {
		ScheduledExecutorService running = scheduler;
		scheduler = null;
		if (running != null) {
			running.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return scheduler != null;
	}

	private void pollSafely() {
		try {
			poll();
		}
		catch (RuntimeException ex) {
			log.warn("dispatching held jobs failed, retrying in {}: {}", properties.heldJobPoll(), ex.toString());
		}
	}

	/** Dispatches every held job whose agent type is now served; returns how many. */
	int poll() {
		int dispatched = 0;
		for (String agentType : jdbc.queryForList(HELD_AGENT_TYPES, String.class)) {
			switch (capabilities.capabilityOf(agentType)) {
				case CapabilityAnswer.Served served -> dispatched += dispatch(agentType, served);
				case CapabilityAnswer.NoLiveAgent none -> {
				}
				case CapabilityAnswer.Unknown unknown -> log.debug("held jobs of agent type '{}' keep waiting: {}",
						agentType, unknown.why());
			}
		}
		return dispatched;
	}

	private int dispatch(String agentType, CapabilityAnswer.Served served) {
		String capability = served.capability();
		if (!Destinations.isValidCapability(capability)) {
			log.warn("held jobs of agent type '{}' keep waiting: its capability '{}' is not a valid queue name",
					agentType, capability);
			return 0;
		}
		agentQueues.ensureQueueFor(capability);
		int total = 0;
		while (true) {
			Integer batch = transactions.execute(status -> dispatchBatch(agentType, capability));
			int count = batch == null ? 0 : batch;
			total += count;
			if (count < properties.heldJobBatch()) {
				return total;
			}
		}
	}

	private int dispatchBatch(String agentType, String capability) {
		List<HeldJob> jobs = jdbc.query(CLAIM_HELD, (rs, n) -> new HeldJob(new JobId(rs.getObject("job_id", UUID.class)),
				TenantId.of(rs.getString("tenant")), rs.getString("agent"), rs.getString("instruction"),
				Priority.fromWireName(rs.getString("priority")), rs.getInt("max_attempts"),
				rs.getTimestamp("deadline").toInstant(), rs.getString("model"), rs.getObject("max_tokens", Long.class),
				rs.getBigDecimal("max_cost_usd"), rs.getBoolean("tracked")), agentType, properties.heldJobBatch());
		Instant now = clock.instant();
		for (HeldJob job : jobs) {
			jdbc.update("update jobs set capability = ?, held_since = null, updated_at = now() where job_id = ?",
					capability, job.jobId().value());
			if (job.tracked()) {
				// a job with a concurrency cap: only as many tasks as the cap allows, the rest as results come back
				int dispatched = taskGraph.dispatchReady(job.jobId().value());
				log.info("held job {} dispatched: {} task(s) to capability '{}'", job.jobId(), dispatched, capability);
				continue;
			}
			List<OutboxMessage> messages = new ArrayList<>();
			jdbc.query("select task_id, input_id, content, attempt from tasks where job_id = ?", rs -> {
				TaskAssigned task = new TaskAssigned(job.jobId(), new TaskId(rs.getObject("task_id", UUID.class)),
						job.tenant(), job.agent(), capability, rs.getInt("attempt"), job.maxAttempts(),
						job.instruction(), new JobInput(rs.getString("input_id"), rs.getString("content")),
						job.priority(), job.deadline(), now, job.model(),
						TaskAssignments.budget(job.maxTokens(), job.maxCostUsd()));
				messages.add(TaskAssignments.outboxMessage(task, null));
			}, job.jobId().value());
			outbox.appendAll(messages);
			log.info("held job {} dispatched: {} task(s) to capability '{}'", job.jobId(), messages.size(), capability);
		}
		return jobs.size();
	}
}
