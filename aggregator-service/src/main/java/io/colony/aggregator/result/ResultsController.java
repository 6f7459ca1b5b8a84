package io.colony.aggregator.result;

import io.colony.contracts.JobId;
import io.colony.contracts.ResultsPage;
import io.colony.contracts.TenantId;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Internal query for the gateway, no authentication: the caller passes the tenant it authenticated. A job
 * that is unknown here or belongs to another tenant is an empty page (the gateway asks the orchestrator
 * whether the job exists).
 */
@RestController
class ResultsController {

	static final int MAX_SIZE = 1000;

	private final TaskResultStore store;

	ResultsController(TaskResultStore store) {
		this.store = store;
	}

	@GetMapping("/internal/v1/jobs/{jobId}/results")
	ResultsPage results(@PathVariable String jobId, @RequestHeader("X-Colony-Tenant") String tenant,
			@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "100") int size) {
		JobId job = parseJobId(jobId);
		TenantId owner = parseTenant(tenant);
		if (size < 1 || size > MAX_SIZE) {
			throw problem(HttpStatus.BAD_REQUEST, "size must be between 1 and " + MAX_SIZE + ", was " + size);
		}
		if (page < 0) {
			throw problem(HttpStatus.BAD_REQUEST, "page must not be negative, was " + page);
		}
		long total = store.count(job, owner);
		if (total == 0 || (long) page * size >= total) {
			return new ResultsPage(job, page, size, total, null);
		}
		return new ResultsPage(job, page, size, total, store.page(job, owner, page, size));
	}

	private static JobId parseJobId(String text) {
		try {
			return JobId.parse(text);
		}
		catch (IllegalArgumentException ex) {
			throw problem(HttpStatus.NOT_FOUND, "no job '" + text + "': a job id is a UUID");
		}
	}

	private static TenantId parseTenant(String text) {
		try {
			return TenantId.of(text);
		}
		catch (IllegalArgumentException ex) {
			throw problem(HttpStatus.BAD_REQUEST, "header X-Colony-Tenant: " + ex.getMessage());
		}
	}

	private static ErrorResponseException problem(HttpStatus status, String detail) {
		return new ErrorResponseException(status, ProblemDetail.forStatusAndDetail(status, detail), null);
	}
}
