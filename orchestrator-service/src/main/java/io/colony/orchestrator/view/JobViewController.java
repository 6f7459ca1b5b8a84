package io.colony.orchestrator.view;

import io.colony.contracts.JobId;
import io.colony.contracts.TenantId;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;

/**
 * Internal query API for the gateway (no authentication: it is reachable only inside the mesh). The tenant
 * comes from {@code X-Colony-Tenant}; an unknown job, a malformed id and another tenant's job all answer
 * the same {@code 404}, so ids of other tenants cannot be probed.
 */
@RestController
@RequestMapping("/internal/v1/jobs")
class JobViewController {

	static final String TENANT_HEADER = "X-Colony-Tenant";

	private final JobViews views;

	JobViewController(JobViews views) {
		this.views = views;
	}

	@GetMapping("/{jobId}")
	ResponseEntity<?> job(@PathVariable String jobId, @RequestHeader(TENANT_HEADER) String tenant) {
		TenantId tenantId;
		try {
			tenantId = TenantId.of(tenant);
		}
		catch (IllegalArgumentException ex) {
			return problem(HttpStatus.BAD_REQUEST, "invalid-tenant", "Invalid tenant", ex.getMessage());
		}
		JobId id;
		try {
			id = JobId.parse(jobId);
		}
		catch (IllegalArgumentException ex) {
			return notFound(jobId);
		}
		return views.find(id, tenantId).<ResponseEntity<?>>map(ResponseEntity::ok).orElseGet(() -> notFound(jobId));
	}

	private static ResponseEntity<ProblemDetail> notFound(String jobId) {
		return problem(HttpStatus.NOT_FOUND, "job-not-found", "Job not found", "no job " + jobId);
	}

	private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String slug, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create("urn:colony:problem:" + slug));
		problem.setTitle(title);
		return ResponseEntity.status(status).body(problem);
	}
}
