package io.colony.orchestrator.job;

import io.colony.contracts.CommandRejected;
import io.colony.contracts.TenantId;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.util.Optional;

/**
 * The concurrent-job quota: a tenant may have at most {@code max-active-jobs} jobs {@code ACCEPTED} or
 * {@code RUNNING}. Checked in the transaction that inserts the job, after taking a transaction-scoped advisory lock
 * on the tenant, so that the tenant's submissions are decided one after another whichever orchestrator instance
 * (and whichever gateway) they come through: a submission counts the jobs every earlier one committed, and two
 * cannot both take the last slot. Other tenants' submissions do not wait (unless their names hash alike, which
 * only serialises them).
 * <p>
 * A slot frees when a job ends (its {@code JobCompleted} reaches the job view) or is cancelled.
 */
@Component
class ActiveJobQuota {

	/** Two 32-bit keys: this lock's own space, then the tenant; no other advisory lock of the schema collides. */
	private static final String LOCK_TENANT = """
			select pg_advisory_xact_lock(hashtext('colony.orchestrator.active-jobs'), hashtext(?))
			""";

	private static final String COUNT_ACTIVE = """
			select count(*) from jobs where tenant = ? and status in ('ACCEPTED', 'RUNNING')
			""";

	private final JdbcTemplate jdbc;

	private final TenantQuotaProperties properties;

	ActiveJobQuota(JdbcTemplate jdbc, TenantQuotaProperties properties) {
		this.jdbc = jdbc;
		this.properties = properties;
	}

	/**
	 * Serialises {@code tenant}'s submissions until the calling transaction ends (commit or rollback). Call first in
	 * the transaction, before reading anything the decision depends on.
	 */
	void lock(TenantId tenant) {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			throw new IllegalStateException("the tenant's quota lock only lives as long as a transaction");
		}
		jdbc.query(LOCK_TENANT, rs -> {
		}, tenant.value());
	}

	/** The refusal when {@code tenant} already has its limit of open jobs; call under {@link #lock}. */
	Optional<CommandRejected> refusal(TenantId tenant) {
		int limit = properties.maxActiveJobs(tenant);
		long active = jdbc.queryForObject(COUNT_ACTIVE, Long.class, tenant.value());
		return active < limit ? Optional.empty() : Optional.of(Rejections.tooManyActiveJobs(tenant, active, limit));
	}
}
