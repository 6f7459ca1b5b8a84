package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Job lifecycle events on {@link Destinations#EVENTS}; the routing key is {@link #routingKey()}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", visible = true, defaultImpl = UnknownJobEvent.class)
@JsonSubTypes({ @JsonSubTypes.Type(value = JobAccepted.class, name = "JobAccepted"),
		@JsonSubTypes.Type(value = JobProgressed.class, name = "JobProgressed"),
		@JsonSubTypes.Type(value = JobCompleted.class, name = "JobCompleted"),
		@JsonSubTypes.Type(value = JobCancelled.class, name = "JobCancelled"),
		@JsonSubTypes.Type(value = JobDeadlineReached.class, name = "JobDeadlineReached"),
		@JsonSubTypes.Type(value = JobPlanChanged.class, name = "JobPlanChanged") })
public sealed interface JobEvent permits JobAccepted, JobProgressed, JobCompleted, JobCancelled, JobDeadlineReached,
		JobPlanChanged, UnknownJobEvent {

	JobId jobId();

	TenantId tenant();

	/** Routing key on {@link Destinations#EVENTS}, and the SSE event name clients see. */
	String routingKey();
}
