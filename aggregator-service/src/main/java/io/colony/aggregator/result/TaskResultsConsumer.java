package io.colony.aggregator.result;

import io.colony.aggregator.identity.ResultVerifier;
import io.colony.aggregator.job.JobLedger;
import io.colony.aggregator.job.JobTally;
import io.colony.aggregator.job.TallyDelta;
import io.colony.aggregator.progress.ProgressPublisher;
import io.colony.aggregator.usage.TenantUsageLedger;
import io.colony.contracts.Destinations;
import io.colony.contracts.JobCompleted;
import io.colony.contracts.JobId;
import io.colony.contracts.TaskResult;
import io.colony.contracts.TenantId;
import io.colony.contracts.Usage;
import io.colony.platform.inbox.Inbox;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.ColonyTopology;
import io.colony.platform.messaging.Inbound;
import io.colony.platform.messaging.PermanentFailure;
import io.colony.platform.observability.TraceCarrier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Consumes {@code aggregator.results} in batches and records each batch in one transaction: the inbox
 * drops redelivered messages (a re-run task's result has the same deterministic message id), the
 * {@code (job_id, task_id)} key drops a second final result from another attempt, each touched job's
 * counters and usage move once, its tenant's usage with them, and every job whose tasks have all finished, or
 * whose usage reached its budget, is closed with its {@code JobCompleted} in that same transaction. What
 * every new attempt consumed counts, final or not (failed attempts the orchestrator will retry spent tokens
 * too); only final results are stored and counted as finished tasks. Progress is published only after the
 * batch committed. A result whose signature does not verify ({@link ResultVerifier}) is dead-lettered before
 * anything is recorded; a replayed message (an id the inbox has seen) is dropped and counted as
 * {@code colony.aggregator.results.replayed}.
 */
@Component
class TaskResultsConsumer implements SmartInitializingSingleton {

	static final String CONSUMER = "aggregator.results";

	private static final Logger log = LoggerFactory.getLogger(TaskResultsConsumer.class);

	/** @param fresh how many of the batch's messages the inbox had not seen */
	private record Recorded(List<JobTally> open, List<JobCompleted> completed, int fresh) {
	}

	private final ColonyConsumers consumers;

	private final ResultsProperties properties;

	private final TransactionTemplate transactions;

	private final Inbox inbox;

	private final TaskResultStore store;

	private final JobLedger ledger;

	private final ProgressPublisher progress;

	private final TraceCarrier traceCarrier;

	private final TenantUsageLedger tenantUsage;

	private final ResultVerifier verifier;

	private final Counter replayed;

	TaskResultsConsumer(ColonyConsumers consumers, ResultsProperties properties,
			PlatformTransactionManager transactionManager, Inbox inbox, TaskResultStore store, JobLedger ledger,
			ProgressPublisher progress, TraceCarrier traceCarrier, TenantUsageLedger tenantUsage,
			ResultVerifier verifier, MeterRegistry meters) {
		this.verifier = verifier;
		this.replayed = Counter.builder("colony.aggregator.results.replayed")
			.description("result messages dropped because their message id was recorded before")
			.register(meters);
		this.traceCarrier = traceCarrier;
		this.tenantUsage = tenantUsage;
		this.consumers = consumers;
		this.properties = properties;
		this.transactions = new TransactionTemplate(transactionManager);
		this.inbox = inbox;
		this.store = store;
		this.ledger = ledger;
		this.progress = progress;
	}

	@Override
	public void afterSingletonsInstantiated() {
		consumers.consumeBatches(ColonyTopology.serviceQueue(Destinations.AGGREGATOR_RESULTS_QUEUE), TaskResult.class,
				properties.batchSize(), properties.batchWait(), this::recordTaskResults);
	}

	/**
	 * Throws {@link PermanentFailure} for a batch holding a result that can never be recorded; the consumer
	 * then records the batch message by message and dead-letters only that one. The same holds for a result whose
	 * signature is missing, bad, or made with an unknown or revoked key.
	 */
	void recordTaskResults(List<Inbound<TaskResult>> batch) {
		Map<UUID, TaskResult> byMessageId = new LinkedHashMap<>();
		for (Inbound<TaskResult> inbound : batch) {
			String invalid = FinalResult.invalid(inbound.payload());
			if (invalid != null) {
				throw new PermanentFailure(inbound.payload().getClass().getSimpleName() + " " + inbound.messageId()
						+ " " + invalid);
			}
			verifier.rejectionOf(inbound.payload()).ifPresent(rejection -> {
				throw new PermanentFailure(inbound.payload().getClass().getSimpleName() + " " + inbound.messageId()
						+ " rejected: " + rejection);
			});
			byMessageId.putIfAbsent(inbound.messageId(), inbound.payload());
		}
		long start = System.nanoTime();
		// Batches have no span of their own: continue the trace of the last result so that a JobCompleted
		// written to the outbox here stays in the job's trace.
		Recorded recorded = traceCarrier.inChildSpan(batch.getLast().traceHeaders(), "record task results",
				() -> transactions.execute(status -> record(byMessageId)));
		int replays = batch.size() - recorded.fresh();
		if (replays > 0) {
			replayed.increment(replays);
			log.info("dropped {} of {} results as replays of messages recorded before", replays, batch.size());
		}
		if (log.isDebugEnabled()) {
			log.debug("recorded a batch of {} results in {} µs", batch.size(), (System.nanoTime() - start) / 1000);
		}
		for (JobCompleted completed : recorded.completed()) {
			progress.forget(completed.jobId());
			log.info("job {} closed as {} ({})", completed.jobId(), completed.status(), completed.tasks());
		}
		for (JobTally tally : recorded.open()) {
			progress.changed(tally.jobId(), tally.tenant(), tally.counts(), tally.usage());
		}
	}

	private Recorded record(Map<UUID, TaskResult> byMessageId) {
		Set<UUID> fresh = inbox.claim(CONSUMER, new TreeSet<>(byMessageId.keySet()));
		List<FinalResult> results = new ArrayList<>(fresh.size());
		List<TallyDelta> spends = new ArrayList<>(fresh.size());
		byMessageId.forEach((messageId, result) -> {
			if (fresh.contains(messageId)) {
				FinalResult.of(result).ifPresent(results::add);
				FinalResult.spendOf(result).ifPresent(spends::add);
			}
		});
		Map<JobId, TallyDelta> deltas = new LinkedHashMap<>();
		store.insertNew(results).forEach(counted -> deltas.merge(counted.jobId(), counted, TallyDelta::plus));
		Map<TenantId, Usage> byTenant = new HashMap<>();
		for (TallyDelta spent : spends) {
			deltas.merge(spent.jobId(), spent, TallyDelta::plus);
			byTenant.merge(spent.tenant(), spent.usage(), Usage::plus);
		}
		if (deltas.isEmpty()) {
			return new Recorded(List.of(), List.of(), fresh.size());
		}
		List<JobTally> tallies = ledger.addRecorded(deltas.values());
		tenantUsage.add(byTenant);
		List<JobTally> open = new ArrayList<>();
		List<JobCompleted> completed = new ArrayList<>();
		for (JobTally tally : tallies) {
			if (tally.closed()) {
				continue;
			}
			ledger.closeIfOver(tally).ifPresentOrElse(completed::add, () -> {
				if (tally.accepted()) {
					open.add(tally);
				}
			});
		}
		return new Recorded(open, completed, fresh.size());
	}
}
