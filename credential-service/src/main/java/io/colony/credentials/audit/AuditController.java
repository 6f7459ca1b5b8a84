package io.colony.credentials.audit;

import io.colony.contracts.AgentKey;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The audit log for operators: their tenant's entries, the verification of the whole log, and the public keys that
 * sign its checkpoints. Who may call what is the service's security configuration's business (operators need scope
 * {@code credentials:approve}; the keys are open, so that anyone can check a checkpoint); here, the tenant comes
 * from the token's {@code tenant} claim.
 */
@RestController
@RequestMapping("/api/v1/credentials/audit")
class AuditController {

	static final int MAX_LIMIT = 500;

	/** One entry as an operator reads it: the columns, the details from its body, and its hash. */
	record EntryView(long seq, Instant recordedAt, String kind, String tenant, UUID requestId, UUID leaseId,
			String actor, JsonNode details, String hash) {

		static EntryView of(StoredEntry entry) {
			return new EntryView(entry.seq(), entry.recordedAt(), entry.kind(), entry.tenant(), entry.requestId(),
					entry.leaseId(), entry.actor(), AuditChain.details(entry.body()), entry.hash());
		}
	}

	record Entries(List<EntryView> entries) {
	}

	record Keys(List<AgentKey> keys) {
	}

	/** A request the audit endpoints cannot answer, named for the problem it maps to. */
	static final class InvalidAuditQuery extends RuntimeException {

		InvalidAuditQuery(String message) {
			super(message);
		}
	}

	private final AuditStore store;

	private final AuditVerifier verifier;

	AuditController(AuditStore store, AuditVerifier verifier) {
		this.store = store;
		this.verifier = verifier;
	}

	/** This tenant's entries with a seq above {@code after}, oldest first; page on with the last seq seen. */
	@GetMapping
	ResponseEntity<?> entries(@AuthenticationPrincipal Jwt token, @RequestParam(defaultValue = "0") long after,
			@RequestParam(defaultValue = "100") int limit) {
		String tenant = token == null ? null : token.getClaimAsString("tenant");
		if (tenant == null || tenant.isBlank()) {
			return problem(HttpStatus.FORBIDDEN, "no-tenant", "No tenant", "the token carries no tenant claim");
		}
		if (after < 0) {
			throw new InvalidAuditQuery("after must be 0 or a seq, was " + after);
		}
		if (limit < 1 || limit > MAX_LIMIT) {
			throw new InvalidAuditQuery("limit must be 1.." + MAX_LIMIT + ", was " + limit);
		}
		List<EntryView> entries = store.tenantEntries(tenant, after, limit).stream().map(EntryView::of).toList();
		return ResponseEntity.ok(new Entries(entries));
	}

	/** The whole log, every tenant's entries included: only counts and the first breach are told. */
	@GetMapping("/verify")
	AuditVerification verify() {
		return verifier.verify();
	}

	@GetMapping("/keys")
	Keys keys() {
		return new Keys(store.keys());
	}

	@ExceptionHandler(InvalidAuditQuery.class)
	ResponseEntity<ProblemDetail> invalidQuery(InvalidAuditQuery ex) {
		return problem(HttpStatus.BAD_REQUEST, "invalid-audit-query", "Invalid audit query", ex.getMessage());
	}

	@ExceptionHandler(MethodArgumentTypeMismatchException.class)
	ResponseEntity<ProblemDetail> malformedParameter(MethodArgumentTypeMismatchException ex) {
		// the value is not echoed: it is whatever the caller sent
		return problem(HttpStatus.BAD_REQUEST, "invalid-audit-query", "Invalid audit query",
				ex.getName() + " must be a whole number");
	}

	private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String slug, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create("urn:colony:problem:" + slug));
		problem.setTitle(title);
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}
}
