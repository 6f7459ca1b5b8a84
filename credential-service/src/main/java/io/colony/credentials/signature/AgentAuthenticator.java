package io.colony.credentials.signature;

import io.colony.contracts.AgentId;
import io.colony.contracts.AgentKey;
import io.colony.contracts.AgentSignature;
import io.colony.platform.identity.AgentSignatures;
import io.colony.platform.identity.InvalidAgentKey;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;

/**
 * Checks that a message comes from the agent it names, recently: the signature verifies with one of the agent's
 * keys in the registry that is not revoked, and {@code signedAt} is within {@code signature-max-skew} of this
 * service's clock. Whether the message was seen before is {@link Nonces}' part, inside the transaction that acts on
 * it. Runs outside any transaction: it may wait on the registry.
 */
@Component
public class AgentAuthenticator {

	private final AgentKeyDirectory keys;

	private final SignatureProperties properties;

	private final Clock clock;

	AgentAuthenticator(AgentKeyDirectory keys, SignatureProperties properties, Clock clock) {
		this.keys = keys;
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * @param payload the signed record ({@code CredentialRequest}, {@code CredentialClaim}, {@code LeaseRenewal}),
	 *     as decoded; its canonical encoding is what the agent signed
	 * @throws BadSignature when the signature is not a valid key's of {@code agentId} over {@code payload}
	 * @throws StaleSignature when {@code signedAt} is too far from now
	 * @throws RegistryUnavailable when the agent's keys cannot be looked up
	 */
	public void authenticate(AgentId agentId, Object payload, AgentSignature signature, Instant signedAt) {
		if (signature == null || signature.keyId() == null || signature.keyId().isBlank() || signature.value() == null) {
			throw new BadSignature("the message carries no signature");
		}
		AgentKey key = keys.key(agentId, signature.keyId());
		if (key.revoked()) {
			throw new BadSignature("key " + key.keyId() + " of agent " + agentId + " was revoked at " + key.revokedAt());
		}
		boolean valid;
		try {
			valid = AgentSignatures.verify(payload, signature, key);
		}
		catch (InvalidAgentKey ex) {
			throw new BadSignature("key " + key.keyId() + " of agent " + agentId + " is not a usable Ed25519 key");
		}
		if (!valid) {
			throw new BadSignature("the signature does not verify with key " + key.keyId() + " of agent " + agentId);
		}
		Instant now = clock.instant();
		if (signedAt.isBefore(now.minus(properties.signatureMaxSkew()))
				|| signedAt.isAfter(now.plus(properties.signatureMaxSkew()))) {
			throw new StaleSignature(signedAt, now, properties.signatureMaxSkew());
		}
	}
}
