package io.colony.aggregator.job;

import io.colony.aggregator.progress.ProgressPublisher;
import io.colony.contracts.Destinations;
import io.colony.contracts.JobAccepted;
import io.colony.contracts.JobCancelled;
import io.colony.contracts.JobCompleted;
import io.colony.contracts.JobDeadlineReached;
import io.colony.contracts.JobEvent;
import io.colony.contracts.JobPlanChanged;
import io.colony.platform.inbox.Inbox;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.ColonyTopology;
import io.colony.platform.messaging.Inbound;
import io.colony.platform.messaging.PermanentFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Consumes {@code aggregator.job-events}: acceptance opens a job (or closes it, when its results overtook
 * it), plan changes set its total (and may close or fail it), cancellation and deadlines close it. Each event is applied once (inbox) in one transaction with the
 * {@code JobCompleted} it may imply. Event types this build does not handle are acknowledged and ignored.
 */
@Component
class JobEventsConsumer implements SmartInitializingSingleton {

	static final String CONSUMER = "aggregator.job-events";

	static final ColonyTopology.WorkQueue QUEUE = ColonyTopology.serviceQueue(Destinations.AGGREGATOR_EVENTS_QUEUE);

	private static final Logger log = LoggerFactory.getLogger(JobEventsConsumer.class);

	private final ColonyConsumers consumers;

	private final TransactionTemplate transactions;

	private final Inbox inbox;

	private final JobLedger ledger;

	private final ProgressPublisher progress;

	JobEventsConsumer(ColonyConsumers consumers, PlatformTransactionManager transactionManager, Inbox inbox,
			JobLedger ledger, ProgressPublisher progress) {
		this.consumers = consumers;
		this.transactions = new TransactionTemplate(transactionManager);
		this.inbox = inbox;
		this.ledger = ledger;
		this.progress = progress;
	}

	@Override
	public void afterSingletonsInstantiated() {
		consumers.consume(QUEUE, JobEvent.class, 50, 1, this::recordJobEvent);
	}

	CompletionStage<?> recordJobEvent(Inbound<JobEvent> inbound) {
		JobEvent event = inbound.payload();
		String invalid = invalid(event);
		if (invalid != null) {
			throw new PermanentFailure(event.getClass().getSimpleName() + " " + inbound.messageId() + " " + invalid);
		}
		if (!(event instanceof JobAccepted || event instanceof JobPlanChanged || event instanceof JobCancelled
				|| event instanceof JobDeadlineReached)) {
			log.debug("ignoring job event {} ({})", inbound.messageId(), event.getClass().getSimpleName());
			return CompletableFuture.completedFuture(null);
		}
		Optional<JobCompleted> completed = transactions.execute(status -> {
			if (inbox.claim(CONSUMER, List.of(inbound.messageId())).isEmpty()) {
				return Optional.<JobCompleted>empty();
			}
			return switch (event) {
				case JobAccepted accepted -> ledger.accept(accepted);
				case JobPlanChanged plan -> ledger.planChanged(plan);
				case JobCancelled cancelled -> ledger.cancel(cancelled);
				case JobDeadlineReached deadline -> ledger.deadlineReached(deadline);
				default -> Optional.<JobCompleted>empty();
			};
		});
		completed.ifPresent(job -> {
			progress.forget(job.jobId());
			log.info("job {} closed as {} by {}", job.jobId(), job.status(), event.getClass().getSimpleName());
		});
		return CompletableFuture.completedFuture(null);
	}

	/** Why the event cannot be applied however often it is delivered, or {@code null}. */
	static String invalid(JobEvent event) {
		return switch (event) {
			case JobAccepted accepted when accepted.jobId() == null -> "has no jobId";
			case JobAccepted accepted when accepted.tenant() == null -> "has no tenant";
			case JobAccepted accepted when accepted.totalTasks() < 0 -> "has a negative totalTasks";
			case JobPlanChanged plan when plan.jobId() == null -> "has no jobId";
			case JobPlanChanged plan when plan.totalTasks() < 0 -> "has a negative totalTasks";
			case JobCancelled cancelled when cancelled.jobId() == null -> "has no jobId";
			case JobDeadlineReached deadline when deadline.jobId() == null -> "has no jobId";
			default -> null;
		};
	}
}
