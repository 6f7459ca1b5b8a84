package io.colony.gateway.job;

import io.colony.contracts.JobId;

/** Where a job's resources live in the public API. */
public record JobLinks(String self, String events, String results) {

	public static JobLinks of(JobId jobId) {
		String self = "/api/v1/jobs/" + jobId;
		return new JobLinks(self, self + "/events", self + "/results");
	}
}
