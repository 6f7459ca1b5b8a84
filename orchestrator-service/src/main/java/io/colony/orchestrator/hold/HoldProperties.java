package io.colony.orchestrator.hold;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * Jobs held until an agent serves their type.
 *
 * @param heldJobPoll how often the registry is asked about the agent types of held jobs; a held job is
 * dispatched at most this long after its first agent is listed (plus the registry's heartbeat lag)
 * @param heldJobBatch held jobs dispatched per transaction
 */
@ConfigurationProperties("colony.orchestrator")
record HoldProperties(Duration heldJobPoll, Integer heldJobBatch) {

	HoldProperties {
		heldJobPoll = heldJobPoll == null ? Duration.ofSeconds(1) : heldJobPoll;
		heldJobBatch = heldJobBatch == null ? 100 : heldJobBatch;
		if (heldJobPoll.isNegative() || heldJobPoll.isZero()) {
			throw new IllegalArgumentException("colony.orchestrator.held-job-poll must be positive, was " + heldJobPoll);
		}
		if (heldJobBatch < 1) {
			throw new IllegalArgumentException("colony.orchestrator.held-job-batch must be at least 1, was " + heldJobBatch);
		}
	}
}
