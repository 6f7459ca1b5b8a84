package io.colony.aggregator.usage;

import io.colony.contracts.TenantId;
import io.colony.contracts.TenantUsage;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Internal query for the gateway, no authentication: the caller passes the tenant it authenticated and gets
 * that tenant's totals, never another's.
 */
@RestController
class TenantUsageController {

	private final TenantUsageLedger ledger;

	TenantUsageController(TenantUsageLedger ledger) {
		this.ledger = ledger;
	}

	@GetMapping("/internal/v1/usage")
	TenantUsage usage(@RequestHeader("X-Colony-Tenant") String tenant) {
		TenantId owner;
		try {
			owner = TenantId.of(tenant);
		}
		catch (IllegalArgumentException ex) {
			throw new ErrorResponseException(HttpStatus.BAD_REQUEST,
					ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "header X-Colony-Tenant: " + ex.getMessage()),
					null);
		}
		return ledger.find(owner);
	}
}
