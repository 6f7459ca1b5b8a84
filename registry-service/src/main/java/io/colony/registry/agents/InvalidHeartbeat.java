package io.colony.registry.agents;

import io.colony.contracts.AgentHeartbeat;
import io.colony.contracts.AgentKey;
import io.colony.contracts.AgentTypeDescriptor;
import io.colony.contracts.Destinations;

/** A heartbeat that can never be recorded, however often it is delivered. */
final class InvalidHeartbeat extends RuntimeException {

	private InvalidHeartbeat(String reason) {
		super(reason);
	}

	/** @throws InvalidHeartbeat saying what is wrong with {@code heartbeat} */
	static void check(AgentHeartbeat heartbeat) {
		if (heartbeat.agentId() == null) {
			throw new InvalidHeartbeat("heartbeat without agentId");
		}
		String of = " in heartbeat of agent '" + heartbeat.agentId() + "'";
		if (heartbeat.capacity() < 0) {
			throw new InvalidHeartbeat("negative capacity " + heartbeat.capacity() + of);
		}
		if (heartbeat.inFlight() < 0) {
			throw new InvalidHeartbeat("negative inFlight " + heartbeat.inFlight() + of);
		}
		if (heartbeat.sentAt() == null) {
			throw new InvalidHeartbeat("missing sentAt" + of);
		}
		for (AgentTypeDescriptor type : heartbeat.agentTypes()) {
			if (type == null || type.name() == null || type.name().isBlank()) {
				throw new InvalidHeartbeat("agent type without a name" + of);
			}
			if (!Destinations.isValidCapability(type.capability())) {
				throw new InvalidHeartbeat("invalid capability '" + type.capability() + "' of agent type '"
						+ type.name() + "'" + of + ": use lower-case letters, digits and dashes (1-64 characters)");
			}
		}
		for (AgentKey key : heartbeat.keys()) {
			if (key == null || key.keyId() == null || !key.keyId().matches("[A-Za-z0-9_-]{1,64}")) {
				throw new InvalidHeartbeat("key without a valid keyId (1-64 letters, digits, '-' or '_')" + of);
			}
			if (key.algorithm() == null || key.algorithm().isBlank() || key.algorithm().length() > 32) {
				throw new InvalidHeartbeat("key '" + key.keyId() + "' without an algorithm" + of);
			}
			if (key.publicKey() == null || key.publicKey().isBlank()) {
				throw new InvalidHeartbeat("key '" + key.keyId() + "' without a public key" + of);
			}
		}
	}
}
