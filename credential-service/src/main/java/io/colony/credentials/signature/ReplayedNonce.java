package io.colony.credentials.signature;

/** A nonce this agent already used: the message was sent before (a replay), and is not acted on again. */
public class ReplayedNonce extends RefusedMessage {

	ReplayedNonce(String nonce) {
		super("replayed-nonce", "nonce " + nonce + " was already used by this agent", null);
	}
}
