package io.colony.credentials.web;

import io.colony.credentials.approval.AlreadyDecided;
import io.colony.credentials.approval.ScopeNotRequested;
import io.colony.credentials.approval.TtlTooLong;
import io.colony.credentials.auditing.AuditUnavailable;
import io.colony.credentials.lease.LeaseEnded;
import io.colony.credentials.lease.LeaseNotFound;
import io.colony.credentials.lease.LeaseNotRevocable;
import io.colony.credentials.lease.MaxLifetimeReached;
import io.colony.credentials.request.NotGranted;
import io.colony.credentials.request.RequestNotFound;
import io.colony.credentials.security.NoTenant;
import io.colony.credentials.signature.BadSignature;
import io.colony.credentials.signature.RefusedMessage;
import io.colony.credentials.signature.RegistryUnavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.TransactionException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import java.net.URI;

/**
 * The credential API's failures as RFC 9457 problems, {@code type} {@code urn:colony:problem:<slug>}. Details name
 * what went wrong, never a token. Applies to this service's own controllers (the request, approval, lease and token
 * features).
 */
@RestControllerAdvice(basePackages = { "io.colony.credentials.request", "io.colony.credentials.approval",
		"io.colony.credentials.lease", "io.colony.credentials.token" })
@Order(Ordered.HIGHEST_PRECEDENCE)
class CredentialProblems {

	private static final Logger log = LoggerFactory.getLogger(CredentialProblems.class);

	@ExceptionHandler
	ResponseEntity<ProblemDetail> invalidInput(InvalidInput ex) {
		return problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException ex) {
		return problem(HttpStatus.BAD_REQUEST, "malformed-request", "Malformed request",
				"the body is not valid JSON of the expected shape");
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> unsupportedMediaType(HttpMediaTypeNotSupportedException ex) {
		return problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "Unsupported media type",
				"send application/json");
	}

	/** 401 for a signature that does not prove the sender; 400, 403 or 409 for the other refusals. */
	@ExceptionHandler
	ResponseEntity<ProblemDetail> refused(RefusedMessage ex) {
		HttpStatus status = switch (ex.slug()) {
			case "bad-signature" -> HttpStatus.UNAUTHORIZED;
			case "stale-signature" -> HttpStatus.BAD_REQUEST;
			case "not-requester", "not-lease-holder" -> HttpStatus.FORBIDDEN;
			default -> HttpStatus.CONFLICT;
		};
		ResponseEntity<ProblemDetail> response = problem(status, ex.slug(), title(ex.slug()), ex.getMessage());
		if (ex instanceof BadSignature) {
			return ResponseEntity.status(status)
				.header(HttpHeaders.WWW_AUTHENTICATE, "Signature realm=\"colony-agents\"")
				.body(response.getBody());
		}
		return response;
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> requestNotFound(RequestNotFound ex) {
		return problem(HttpStatus.NOT_FOUND, "credential-request-not-found", "Credential request not found", ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> leaseNotFound(LeaseNotFound ex) {
		return problem(HttpStatus.NOT_FOUND, "lease-not-found", "Lease not found", ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> notGranted(NotGranted ex) {
		ResponseEntity<ProblemDetail> response = problem(HttpStatus.CONFLICT, "not-granted", "Not granted",
				ex.getMessage());
		response.getBody().setProperty("requestStatus", ex.status().name());
		return response;
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> leaseEnded(LeaseEnded ex) {
		return problem(HttpStatus.GONE, "lease-ended", "Lease ended", ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> leaseNotRevocable(LeaseNotRevocable ex) {
		return problem(HttpStatus.CONFLICT, "lease-ended", "Lease ended", ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> maxLifetimeReached(MaxLifetimeReached ex) {
		return problem(HttpStatus.CONFLICT, "max-lifetime-reached", "Maximum lifetime reached", ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> alreadyDecided(AlreadyDecided ex) {
		return problem(HttpStatus.CONFLICT, "already-decided", "Already decided", ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> scopeNotRequested(ScopeNotRequested ex) {
		return problem(HttpStatus.UNPROCESSABLE_CONTENT, "scope-not-requested", "Scope not requested", ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> ttlTooLong(TtlTooLong ex) {
		return problem(HttpStatus.UNPROCESSABLE_CONTENT, "ttl-too-long", "Ttl too long", ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> noTenant(NoTenant ex) {
		return problem(HttpStatus.FORBIDDEN, "no-tenant", "No tenant", ex.getMessage());
	}

	/** Fail closed: nothing was granted, issued, renewed or revoked; the same call may be retried. */
	@ExceptionHandler
	ResponseEntity<ProblemDetail> auditUnavailable(AuditUnavailable ex) {
		log.error("refusing a change the audit log could not record: {}", ex.getCause().toString());
		return unavailable("audit-unavailable", "Audit log unavailable",
				"the audit log cannot be written, so nothing was changed; retry shortly");
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> registryUnavailable(RegistryUnavailable ex) {
		log.warn("cannot check an agent's signature: {}", ex.getMessage());
		return unavailable("registry-unavailable", "Registry unavailable",
				"the agent's keys cannot be looked up in the registry; retry shortly");
	}

	@ExceptionHandler({ DataAccessException.class, TransactionException.class })
	ResponseEntity<ProblemDetail> databaseUnavailable(RuntimeException ex) {
		log.error("database failure: {}", ex.toString());
		return unavailable("database-unavailable", "Database unavailable",
				"the credential store is not answering; nothing was changed, retry shortly");
	}

	private static ResponseEntity<ProblemDetail> unavailable(String slug, String title, String detail) {
		ResponseEntity<ProblemDetail> response = problem(HttpStatus.SERVICE_UNAVAILABLE, slug, title, detail);
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, "5")
			.body(response.getBody());
	}

	static ResponseEntity<ProblemDetail> problem(HttpStatus status, String slug, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create("urn:colony:problem:" + slug));
		problem.setTitle(title);
		return ResponseEntity.status(status).body(problem);
	}

	private static String title(String slug) {
		String words = slug.replace('-', ' ');
		return Character.toUpperCase(words.charAt(0)) + words.substring(1);
	}
}
