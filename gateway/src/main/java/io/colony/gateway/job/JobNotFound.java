package io.colony.gateway.job;

import io.colony.contracts.JobId;
import io.colony.gateway.problem.ProblemException;
import org.springframework.http.HttpStatus;

/** No job with this id exists for the caller's tenant (jobs of other tenants are indistinguishable from none). */
public final class JobNotFound extends ProblemException {

	public JobNotFound(String jobId) {
		super(HttpStatus.NOT_FOUND, "job-not-found", "Job not found", "there is no job " + jobId);
	}

	public JobNotFound(JobId jobId) {
		this(jobId.toString());
	}

	/** @throws JobNotFound when {@code text} is not a job id, so that a malformed id reads like an unknown one */
	public static JobId parse(String text) {
		try {
			if (text == null || text.length() != 36) {
				throw new IllegalArgumentException("not a UUID");
			}
			return JobId.parse(text);
		}
		catch (IllegalArgumentException ex) {
			throw new JobNotFound(text == null ? "" : text.length() > 64 ? text.substring(0, 64) + "..." : text);
		}
	}
}
