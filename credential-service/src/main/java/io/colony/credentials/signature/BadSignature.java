package io.colony.credentials.signature;

/**
 * A signed message that does not prove it comes from the agent it names: the registry does not know the agent, the
 * agent has no such key, the key is revoked, or the signature does not verify.
 */
public class BadSignature extends RefusedMessage {

	public BadSignature(String reason) {
		super("bad-signature", reason, null);
	}
}
