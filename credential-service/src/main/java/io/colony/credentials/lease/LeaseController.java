package io.colony.credentials.lease;

import io.colony.contracts.IssuedCredential;
import io.colony.contracts.LeaseId;
import io.colony.contracts.LeaseRenewal;
import io.colony.contracts.LeaseStatus;
import io.colony.contracts.SignedLeaseRenewal;
import io.colony.credentials.security.Operator;
import io.colony.credentials.signature.SignedMessage;
import io.colony.credentials.signature.SignedMessages;
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

import java.time.Clock;

/**
 * Leases over HTTP: the holder renews (signed, no JWT); operators list and revoke their tenant's (JWT with
 * {@code credentials:approve}; another tenant's lease is a 404, like an unknown one).
 */
@RestController
@RequestMapping("/api/v1/credentials/leases")
class LeaseController {

	private final Leases leases;

	private final SignedMessages messages;

	private final Clock clock;

	LeaseController(Leases leases, SignedMessages messages, Clock clock) {
		this.leases = leases;
		this.messages = messages;
		this.clock = clock;
	}

	@PostMapping("/{leaseId}/renew")
	IssuedCredential renew(@PathVariable String leaseId, @RequestBody SignedLeaseRenewal body) {
		InvalidInput.require(body != null && body.renewal() != null, "the body must hold a 'renewal' and its 'signature'");
		LeaseRenewal renewal = body.renewal();
		InvalidInput.require(renewal.leaseId() != null && InvalidInput.samePathId(renewal.leaseId().value(), leaseId),
				"renewal.leaseId must be the lease in the path");
		InvalidInput.require(renewal.agentId() != null, "renewal.agentId is required");
		InvalidInput.requireNonce(renewal.nonce());
		InvalidInput.require(renewal.signedAt() != null, "renewal.signedAt is required");
		InvalidInput.require(body.signature() != null, "signature is required");
		return messages.accept(new SignedMessage("renewal", renewal.agentId(), null, null, renewal.leaseId(), renewal,
				body.signature(), renewal.nonce(), renewal.signedAt()), () -> leases.renew(renewal));
	}

	@GetMapping
	LeaseView.Page list(@AuthenticationPrincipal Jwt jwt, @RequestParam(required = false) String status,
			@RequestParam(required = false) Integer limit) {
		Operator operator = Operator.of(jwt);
		LeaseStatus wanted = Listing.status(LeaseStatus.class, status);
		return new LeaseView.Page(leases.list(operator.tenant(), wanted, Listing.limit(limit))
			.stream()
			.map(lease -> LeaseView.of(lease, clock.instant()))
			.toList());
	}

	@GetMapping("/{leaseId}")
	LeaseView lease(@AuthenticationPrincipal Jwt jwt, @PathVariable String leaseId) {
		Operator operator = Operator.of(jwt);
		return leases.find(parse(leaseId), operator.tenant())
			.map(lease -> LeaseView.of(lease, clock.instant()))
			.orElseThrow(() -> new LeaseNotFound(leaseId));
	}

	record RevokeBody(String reason) {
	}

	@PostMapping("/{leaseId}/revoke")
	LeaseView revoke(@AuthenticationPrincipal Jwt jwt, @PathVariable String leaseId,
			@RequestBody(required = false) RevokeBody body) {
		Operator operator = Operator.of(jwt);
		String reason = InvalidInput.optionalText("reason", body == null ? null : body.reason(), 2000);
		return LeaseView.of(leases.revoke(operator, parse(leaseId), reason), clock.instant());
	}

	/** A malformed id names no lease: the same 404 as an unknown or foreign one. */
	private static LeaseId parse(String leaseId) {
		try {
			return LeaseId.parse(leaseId);
		}
		catch (IllegalArgumentException ex) {
			throw new LeaseNotFound(leaseId);
		}
	}
}
