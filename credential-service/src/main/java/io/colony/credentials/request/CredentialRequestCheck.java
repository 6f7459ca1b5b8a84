package io.colony.credentials.request;

import io.colony.contracts.CredentialRequest;
import io.colony.contracts.SignedCredentialRequest;
import io.colony.credentials.web.InvalidInput;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a credential request must look like before anything is looked up or stored. Scope tokens are literal
 * ({@code inventory:write}): patterns are for policy rules, never for what an agent asks.
 */
final class CredentialRequestCheck {

	static final int MAX_SCOPE_TOKENS = 20;

	static final int MAX_JUSTIFICATION = 2000;

	private static final Pattern SCOPE_TOKEN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,199}");

	private static final Pattern RESOURCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}");

	private CredentialRequestCheck() {
	}

	/** @throws InvalidInput naming the first field that is missing or invalid */
	static CredentialRequest check(SignedCredentialRequest signed) {
		InvalidInput.require(signed != null && signed.request() != null,
				"the body must hold a 'request' and its 'signature'");
		CredentialRequest request = signed.request();
		InvalidInput.require(request.requestId() != null, "request.requestId is required");
		InvalidInput.require(request.agentId() != null, "request.agentId is required");
		InvalidInput.require(request.tenant() != null, "request.tenant is required");
		InvalidInput.require(request.jobId() != null, "request.jobId is required");
		InvalidInput.require(request.taskId() != null, "request.taskId is required");
		InvalidInput.require(request.resource() != null && RESOURCE.matcher(request.resource()).matches(),
				"request.resource must be 1 to 200 characters of letters, digits and ._:/- (the token's audience)");
		scope(request.scope());
		InvalidInput.require(request.ttl() != null && request.ttl().compareTo(Duration.ofSeconds(1)) >= 0,
				"request.ttl must be at least PT1S");
		InvalidInput.require(request.justification() == null || request.justification().length() <= MAX_JUSTIFICATION,
				"request.justification must be at most " + MAX_JUSTIFICATION + " characters");
		InvalidInput.requireNonce(request.nonce());
		InvalidInput.require(request.signedAt() != null, "request.signedAt is required");
		InvalidInput.require(signed.signature() != null, "signature is required");
		return request;
	}

	private static void scope(List<String> scope) {
		InvalidInput.require(scope != null && !scope.isEmpty() && scope.size() <= MAX_SCOPE_TOKENS,
				"request.scope must list 1 to " + MAX_SCOPE_TOKENS + " scope tokens");
		Set<String> seen = new HashSet<>();
		for (String token : scope) {
			InvalidInput.require(token != null && SCOPE_TOKEN.matcher(token).matches(),
					"request.scope tokens are 1 to 200 characters of letters, digits and ._:- such as inventory:read");
			InvalidInput.require(seen.add(token), "request.scope lists " + token + " twice");
		}
	}
}
