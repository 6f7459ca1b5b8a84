package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

@JsonIgnoreProperties(ignoreUnknown = true)
public record UnknownJobEvent(String type, JobId jobId, TenantId tenant) implements JobEvent {

	@Override
	public String routingKey() {
		return "job.unknown";
	}
}
