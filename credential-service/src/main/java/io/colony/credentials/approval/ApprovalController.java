package io.colony.credentials.approval;

import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.CredentialRequestStatus;
import io.colony.credentials.request.RequestNotFound;
import io.colony.credentials.security.Operator;
import io.colony.credentials.web.InvalidInput;
import io.colony.credentials.web.Listing;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Duration;
import java.util.List;

/**
 * The operator side of requests (JWT with {@code credentials:approve}): list, read, approve, deny, within the
 * token's tenant only. Another tenant's request, an unknown one and a malformed id are the same 404.
 */
@RestController
@RequestMapping("/api/v1/credentials/requests")
class ApprovalController {

	private final Approvals approvals;

	ApprovalController(Approvals approvals) {
		this.approvals = approvals;
	}

	@GetMapping
	RequestView.Page list(@AuthenticationPrincipal Jwt jwt, @RequestParam(required = false) String status,
			@RequestParam(required = false) Integer limit) {
		Operator operator = Operator.of(jwt);
		return new RequestView.Page(approvals.list(operator.tenant(),
				Listing.status(CredentialRequestStatus.class, status), Listing.limit(limit)));
	}

	@GetMapping("/{requestId}")
	RequestView request(@AuthenticationPrincipal Jwt jwt, @PathVariable String requestId) {
		return approvals.find(Operator.of(jwt).tenant(), parse(requestId));
	}

	/**
	 * @param scope the scope to grant, a subset of the requested one; absent: all of it
	 * @param ttl the token lifetime, at most the policy's; absent: the one asked for, within policy
	 */
	record ApproveBody(List<String> scope, Duration ttl, String note) {
	}

	@PostMapping("/{requestId}/approve")
	RequestView approve(@AuthenticationPrincipal Jwt jwt, @PathVariable String requestId,
			@RequestBody(required = false) ApproveBody body) {
		Operator operator = Operator.of(jwt);
		ApproveBody approval = body == null ? new ApproveBody(null, null, null) : body;
		InvalidInput.require(approval.ttl() == null || approval.ttl().compareTo(Duration.ofSeconds(1)) >= 0,
				"ttl must be at least PT1S");
		return approvals.approve(operator, parse(requestId), approval.scope(), approval.ttl(),
				InvalidInput.optionalText("note", approval.note(), 2000));
	}

	record DenyBody(String reason) {
	}

	@PostMapping("/{requestId}/deny")
	RequestView deny(@AuthenticationPrincipal Jwt jwt, @PathVariable String requestId, @RequestBody DenyBody body) {
		Operator operator = Operator.of(jwt);
		String reason = InvalidInput.optionalText("reason", body == null ? null : body.reason(), 2000);
		InvalidInput.require(reason != null, "reason is required: the agent and the audit log are told why");
		return approvals.deny(operator, parse(requestId), reason);
	}

	/** A malformed id names no request: the same 404 as an unknown or foreign one. */
	private static CredentialRequestId parse(String requestId) {
		try {
			return CredentialRequestId.parse(requestId);
		}
		catch (IllegalArgumentException ex) {
			throw new RequestNotFound(requestId);
		}
	}
}
