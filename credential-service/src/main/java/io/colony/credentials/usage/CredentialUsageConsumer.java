package io.colony.credentials.usage;

import io.colony.contracts.CredentialEvent;
import io.colony.contracts.CredentialUsed;
import io.colony.contracts.Destinations;
import io.colony.credentials.audit.AuditEntry;
import io.colony.credentials.auditing.AuditRecorder;
import io.colony.credentials.lease.LeaseRecord;
import io.colony.credentials.lease.Leases;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Writes workers' reports of credential use ({@code CredentialUsed} on {@code credentials.usage}) into the audit log:
 * kind {@code used}, or {@code refused-expired} / {@code refused-revoked} when the worker refused to use a token.
 * Each report is recorded once: its message id goes into the platform inbox in the same transaction as the entry,
 * so a redelivered copy changes nothing. When the audit log cannot be written the message is redelivered (and
 * dead-lettered after the delivery limit), never dropped. A report on a lease this service never granted, or naming
 * another tenant or agent than the lease's, is dead-lettered: it is not evidence about any lease here.
 */
@Component
class CredentialUsageConsumer implements SmartInitializingSingleton {

	private static final Logger log = LoggerFactory.getLogger(CredentialUsageConsumer.class);

	static final String CONSUMER = Destinations.CREDENTIALS_USAGE_QUEUE;

	private static final Set<String> OUTCOMES = Set.of(CredentialUsed.USED, CredentialUsed.REFUSED_EXPIRED,
			CredentialUsed.REFUSED_REVOKED);

	private final ColonyConsumers consumers;

	private final Inbox inbox;

	private final Leases leases;

	private final AuditRecorder audit;

	private final TransactionTemplate transactions;

	CredentialUsageConsumer(ColonyConsumers consumers, Inbox inbox, Leases leases, AuditRecorder audit,
			PlatformTransactionManager transactionManager) {
		this.consumers = consumers;
		this.inbox = inbox;
		this.leases = leases;
		this.audit = audit;
		this.transactions = new TransactionTemplate(transactionManager);
	}

	@Override
	public void afterSingletonsInstantiated() {
		consumers.consume(ColonyTopology.serviceQueue(Destinations.CREDENTIALS_USAGE_QUEUE), CredentialEvent.class, 50,
				1, this::recordUse);
	}

	CompletionStage<Void> recordUse(Inbound<CredentialEvent> inbound) {
		if (inbound.payload() instanceof CredentialUsed used) {
			requireValid(used);
			transactions.executeWithoutResult(status -> {
				if (inbox.claim(CONSUMER, List.of(inbound.messageId())).isEmpty()) {
					log.debug("usage report {} was recorded before", inbound.messageId());
					return;
				}
				LeaseRecord lease = leases.find(used.leaseId())
					.orElseThrow(() -> new PermanentFailure("no lease " + used.leaseId() + " was granted here"));
				if (!lease.tenant().equals(used.tenant()) || !lease.agentId().equals(used.agentId())) {
					throw new PermanentFailure("lease " + used.leaseId() + " belongs to another tenant or agent");
				}
				audit.record(new AuditEntry(used.outcome(), lease.tenant(), lease.requestId(), lease.leaseId(),
						used.agentId().value(), AuditRecorder.details("tool", used.tool(), "taskId", used.taskId(),
								"usedAt", used.usedAt(), "outcome", used.outcome())));
			});
		}
		else {
			log.debug("ignoring {} on {}: only CredentialUsed is recorded", inbound.payload(), CONSUMER);
		}
		return CompletableFuture.completedFuture(null);
	}

	private static void requireValid(CredentialUsed used) {
		if (used.leaseId() == null || used.tenant() == null || used.agentId() == null || used.usedAt() == null) {
			throw new PermanentFailure("CredentialUsed needs leaseId, tenant, agentId and usedAt");
		}
		if (!OUTCOMES.contains(used.outcome())) {
			throw new PermanentFailure("CredentialUsed outcome must be one of " + OUTCOMES + ", was " + used.outcome());
		}
		if (used.tool() != null && used.tool().length() > 200) {
			throw new PermanentFailure("CredentialUsed tool name is longer than 200 characters");
		}
	}
}
