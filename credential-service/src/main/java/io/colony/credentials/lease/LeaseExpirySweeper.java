package io.colony.credentials.lease;

import io.colony.credentials.auditing.AuditUnavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Ends leases whose token expired without being renewed: a lease lives only as long as its latest token, so one
 * the holder stopped renewing, or that reached its hard limit ({@code maxExpiresAt}, the latest any token can
 * expire), is marked {@code EXPIRED} with an {@code expired} audit entry. Rows are locked with
 * {@code SKIP LOCKED}, so instances may sweep at once without expiring a lease twice; when the audit log cannot be
 * written nothing is marked and the next sweep tries again.
 */
@Component
class LeaseExpirySweeper implements SchedulingConfigurer {

	private static final Logger log = LoggerFactory.getLogger(LeaseExpirySweeper.class);

	private static final int BATCH = 200;

	private final Leases leases;

	private final LeaseProperties properties;

	LeaseExpirySweeper(Leases leases, LeaseProperties properties) {
		this.leases = leases;
		this.properties = properties;
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar registrar) {
		registrar.addFixedDelayTask(this::sweepSafely, properties.leaseSweepInterval());
	}

	private void sweepSafely() {
		try {
			int expired = sweep();
			if (expired > 0) {
				log.info("{} lease(s) expired", expired);
			}
		}
		catch (AuditUnavailable ex) {
			log.warn("leases not expired: {}; retrying in {}", ex.getMessage(), properties.leaseSweepInterval());
		}
		catch (RuntimeException ex) {
			log.warn("lease expiry sweep failed, retrying in {}: {}", properties.leaseSweepInterval(), ex.toString());
		}
	}

	int sweep() {
		int total = 0;
		int expired;
		do {
			expired = leases.expireDue(BATCH);
			total += expired;
		}
		while (expired == BATCH);
		return total;
	}
}
