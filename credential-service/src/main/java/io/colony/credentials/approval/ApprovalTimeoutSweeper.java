package io.colony.credentials.approval;

import io.colony.credentials.auditing.AuditUnavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Times out pending requests nobody decided within {@code colony.credentials.approval-timeout}: each becomes
 * {@code TIMED_OUT} with a {@code decided} audit entry and a {@code CredentialRequestDecided}, so that the parked
 * agent gets its answer. Rows are claimed with {@code SKIP LOCKED}, so instances may sweep at once; when the audit
 * log cannot be written nothing changes and the next sweep tries again.
 */
@Component
class ApprovalTimeoutSweeper implements SchedulingConfigurer {

	private static final Logger log = LoggerFactory.getLogger(ApprovalTimeoutSweeper.class);

	private static final int BATCH = 200;

	private final Approvals approvals;

	private final ApprovalProperties properties;

	ApprovalTimeoutSweeper(Approvals approvals, ApprovalProperties properties) {
		this.approvals = approvals;
		this.properties = properties;
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar registrar) {
		registrar.addFixedDelayTask(this::sweepSafely, properties.approvalSweepInterval());
	}

	private void sweepSafely() {
		try {
			int timedOut = sweep();
			if (timedOut > 0) {
				log.info("{} credential request(s) timed out waiting for approval", timedOut);
			}
		}
		catch (AuditUnavailable ex) {
			log.warn("requests not timed out: {}; retrying in {}", ex.getMessage(), properties.approvalSweepInterval());
		}
		catch (RuntimeException ex) {
			log.warn("approval timeout sweep failed, retrying in {}: {}", properties.approvalSweepInterval(),
					ex.toString());
		}
	}

	int sweep() {
		int total = 0;
		int timedOut;
		do {
			timedOut = approvals.timeOutDue(BATCH);
			total += timedOut;
		}
		while (timedOut == BATCH);
		return total;
	}
}
