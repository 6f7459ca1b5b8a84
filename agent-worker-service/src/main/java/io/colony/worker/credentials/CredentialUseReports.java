package io.colony.worker.credentials;

import io.colony.contracts.CredentialUsed;
import io.colony.contracts.Destinations;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.ColonyTopology;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.Outgoing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;

/**
 * Sends {@code CredentialUsed} to {@code colony.credentials} / {@code credential.used} for the credential service's
 * audit log, with publisher confirms. Fire and forget for the tool: a report that is not confirmed is logged, and
 * the tool carries on (refusing a use never depends on the report; making one does not wait for it).
 */
final class CredentialUseReports implements InitializingBean {

	private static final Logger log = LoggerFactory.getLogger(CredentialUseReports.class);

	private final MessagePublisher publisher;

	private final ColonyConsumers consumers;

	CredentialUseReports(MessagePublisher publisher, ColonyConsumers consumers) {
		this.publisher = publisher;
		this.consumers = consumers;
	}

	/**
	 * Declares the credential service's usage queue (idempotent), so that a report is not unroutable because this
	 * worker started before that service.
	 */
	@Override
	public void afterPropertiesSet() {
		consumers.declare(ColonyTopology.serviceQueue(Destinations.CREDENTIALS_USAGE_QUEUE));
	}

	void report(CredentialUsed used) {
		publisher.publish(Outgoing.to(Destinations.CREDENTIALS, Destinations.CREDENTIAL_USED, used)
			.withTenant(used.tenant())).whenComplete((confirmed, error) -> {
				if (error != null) {
					log.warn("report '{}' of lease {} by task {} not delivered: {}", used.outcome(), used.leaseId(),
							used.taskId(), error.getMessage());
				}
			});
	}
}
