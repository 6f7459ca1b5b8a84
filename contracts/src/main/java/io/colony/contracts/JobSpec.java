package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What a client asked a job to do. The {@code pattern} property selects the shape; patterns other
 * than scatter-gather arrive with their own issues.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "pattern")
@JsonSubTypes({ @JsonSubTypes.Type(value = ScatterGather.class, name = ScatterGather.PATTERN) })
public sealed interface JobSpec permits ScatterGather {

	/** Agent type that runs the job's tasks. */
	String agent();

	Priority priority();

	JobLimits limits();

	Reduce reduce();

	/** Number of tasks this job fans out into. */
	int taskCount();
}
