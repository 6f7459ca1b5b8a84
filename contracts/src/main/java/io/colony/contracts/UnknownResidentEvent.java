package io.colony.contracts;

/** A resident event of a type this consumer does not know; ignored. */
public record UnknownResidentEvent(String type, ResidentId agentId, TenantId tenant) implements ResidentEvent {

	@Override
	public String routingKey() {
		return "resident.unknown";
	}
}
