package io.colony.gateway.fleet;

import io.colony.gateway.fleet.FleetSnapshots.Caller;
import io.colony.gateway.problem.ProblemException;
import io.colony.gateway.security.Tenants;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/v1/fleet} (scope {@code fleet:read}, see the security configuration): the operators' snapshot of
 * the whole mesh, for the console's fleet page and {@code ./colony status}. Fleet-wide figures only (queue depths,
 * workers, job counts): no job, input or result of any tenant. Pending approvals are the caller tenant's, and only
 * for a token that also has {@code credentials:approve}.
 *
 * <p>Always {@code 200} for an authorised caller: a source that fails is that section's {@code unavailable}.
 */
@RestController
class FleetController {

	static final String PATH = "/api/v1/fleet";

	private static final String APPROVE_AUTHORITY = "SCOPE_" + PendingApprovals.SCOPE;

	private final FleetSnapshots snapshots;

	FleetController(FleetSnapshots snapshots) {
		this.snapshots = snapshots;
	}

	@GetMapping(PATH)
	Mono<ResponseEntity<FleetSnapshot>> fleet(Authentication authentication) {
		return snapshots.take(caller(authentication))
			.map(snapshot -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(snapshot));
	}

	private static Caller caller(Authentication authentication) {
		boolean mayApprove = authentication.getAuthorities()
			.stream()
			.anyMatch(authority -> APPROVE_AUTHORITY.equals(authority.getAuthority()));
		if (!mayApprove || !(authentication.getPrincipal() instanceof Jwt jwt)) {
			return Caller.withoutApprovals();
		}
		try {
			return new Caller(Tenants.of(jwt), jwt.getTokenValue());
		}
		catch (ProblemException noTenant) {
			// the credential service would refuse such a token too; the rest of the view is still the caller's
			return Caller.withoutApprovals();
		}
	}
}
