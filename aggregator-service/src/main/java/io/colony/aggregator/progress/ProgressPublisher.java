package io.colony.aggregator.progress;

import io.colony.contracts.Destinations;
import io.colony.contracts.JobId;
import io.colony.contracts.JobProgressed;
import io.colony.contracts.TaskCounts;
import io.colony.contracts.TenantId;
import io.colony.contracts.Usage;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.Outgoing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Publishes {@code JobProgressed} straight to the broker, at most once per job per
 * {@code colony.aggregator.progress-interval}. Progress is ephemeral: it is not written to the outbox, and a
 * lost one is superseded by the next or by the job's {@code JobCompleted}. Counts that arrived within the
 * interval are sent when it has passed (by the next change or by a periodic flush), so the last
 * progress before a pause is never stuck. Throttling state is in memory, per instance.
 */
@Component
public class ProgressPublisher implements SchedulingConfigurer {

	private static final Logger log = LoggerFactory.getLogger(ProgressPublisher.class);

	private static final Duration IDLE = Duration.ofMinutes(1);

	private final MessagePublisher publisher;

	private final Duration interval;

	private final Throttle<JobId, JobProgressed> throttle;

	private final Clock clock = Clock.systemUTC();

	ProgressPublisher(MessagePublisher publisher, ProgressProperties properties) {
		this.publisher = publisher;
		this.interval = properties.progressInterval();
		this.throttle = new Throttle<>(interval);
	}

	/**
	 * A job that is still open has new counts or usage; call after the transaction that changed them
	 * committed.
	 */
	public void changed(JobId jobId, TenantId tenant, TaskCounts counts, Usage usage) {
		Instant now = clock.instant();
		throttle.offer(jobId, new JobProgressed(jobId, tenant, counts, now, usage), now).ifPresent(this::send);
	}

	/** The job closed: nothing more is sent for it. */
	public void forget(JobId jobId) {
		throttle.forget(jobId);
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar registrar) {
		registrar.addFixedDelayTask(this::flush, interval);
	}

	void flush() {
		Instant now = clock.instant();
		throttle.drainDue(now).forEach(pending -> send(new JobProgressed(pending.jobId(), pending.tenant(),
				pending.tasks(), now, pending.usage())));
		throttle.evictIdle(now, IDLE);
	}

	private void send(JobProgressed progressed) {
		Outgoing outgoing = Outgoing.to(Destinations.EVENTS, Destinations.JOB_PROGRESS, progressed)
			.withTenant(progressed.tenant());
		publisher.publish(outgoing).whenComplete((ignored, error) -> {
			if (error != null) {
				log.debug("progress of job {} not published: {}", progressed.jobId(), error.getMessage());
			}
		});
	}
}
