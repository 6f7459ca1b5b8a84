package io.colony.credentials.request;

import io.colony.contracts.CredentialClaim;
import io.colony.contracts.CredentialRequest;
import io.colony.contracts.CredentialRequestAnswer;
import io.colony.contracts.IssuedCredential;
import io.colony.contracts.SignedCredentialClaim;
import io.colony.contracts.SignedCredentialRequest;
import io.colony.credentials.signature.SignedMessage;
import io.colony.credentials.signature.SignedMessages;
import io.colony.credentials.web.InvalidInput;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The agent-facing side: requests and claims, authenticated by the agent's Ed25519 signature over the payload
 * (no JWT). Workers call it directly, not through the gateway.
 */
@RestController
@RequestMapping("/api/v1/credentials/requests")
class CredentialRequestController {

	private final CredentialRequests requests;

	private final SignedMessages messages;

	CredentialRequestController(CredentialRequests requests, SignedMessages messages) {
		this.requests = requests;
		this.messages = messages;
	}

	@PostMapping
	CredentialRequestAnswer request(@RequestBody SignedCredentialRequest body) {
		CredentialRequest request = CredentialRequestCheck.check(body);
		return messages.accept(new SignedMessage("request", request.agentId(), request.tenant(), request.requestId(),
				null, request, body.signature(), request.nonce(), request.signedAt()), () -> requests.submit(request));
	}

	@PostMapping("/{requestId}/claim")
	IssuedCredential claim(@PathVariable String requestId, @RequestBody SignedCredentialClaim body) {
		InvalidInput.require(body != null && body.claim() != null, "the body must hold a 'claim' and its 'signature'");
		CredentialClaim claim = body.claim();
		InvalidInput.require(claim.requestId() != null && InvalidInput.samePathId(claim.requestId().value(), requestId),
				"claim.requestId must be the request in the path");
		InvalidInput.require(claim.agentId() != null, "claim.agentId is required");
		InvalidInput.requireNonce(claim.nonce());
		InvalidInput.require(claim.signedAt() != null, "claim.signedAt is required");
		InvalidInput.require(body.signature() != null, "signature is required");
		return messages.accept(new SignedMessage("claim", claim.agentId(), null, claim.requestId(), null, claim,
				body.signature(), claim.nonce(), claim.signedAt()), () -> requests.claim(claim));
	}
}
