package io.colony.credentials.approval;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * @param approvalSweepInterval how often pending requests past {@code colony.credentials.approval-timeout} are timed
 *     out; until then they can no longer be approved and are listed as timed out
 */
@ConfigurationProperties("colony.credentials")
record ApprovalProperties(Duration approvalSweepInterval) {

	ApprovalProperties {
		approvalSweepInterval = approvalSweepInterval == null ? Duration.ofSeconds(5) : approvalSweepInterval;
		if (approvalSweepInterval.isNegative() || approvalSweepInterval.isZero()) {
			throw new IllegalArgumentException("colony.credentials.approval-sweep-interval must be positive");
		}
	}
}
