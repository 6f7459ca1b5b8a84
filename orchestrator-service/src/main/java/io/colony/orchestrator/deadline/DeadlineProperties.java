package io.colony.orchestrator.deadline;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * @param deadlineSweep how often overdue jobs are looked for; a deadline is reported at most this late
 * @param deadlineSweepBatch jobs flagged per transaction
 */
@ConfigurationProperties("colony.orchestrator")
record DeadlineProperties(Duration deadlineSweep, Integer deadlineSweepBatch) {

	DeadlineProperties {
		deadlineSweep = deadlineSweep == null ? Duration.ofSeconds(1) : deadlineSweep;
		deadlineSweepBatch = deadlineSweepBatch == null ? 500 : deadlineSweepBatch;
	}
}
