package io.colony.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;

/**
 * What a client asked a job to do. The {@code pattern} property selects the shape; patterns other
 * than scatter-gather arrive with their own issues.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "pattern")
@JsonSubTypes({ @JsonSubTypes.Type(value = ScatterGather.class, name = ScatterGather.PATTERN),
		@JsonSubTypes.Type(value = Pipeline.class, name = Pipeline.PATTERN),
		@JsonSubTypes.Type(value = Supervisor.class, name = Supervisor.PATTERN) })
public sealed interface JobSpec permits ScatterGather, Pipeline, Supervisor {

	/** Agent type that runs the job's first tasks (a pipeline's first stage, a supervisor's planner). */
	String agent();

	/** Every agent type the job names when it is submitted, first one first, without repeats. */
	List<String> agentTypes();

	/** A model tier or model name every task uses instead of its agent type's; {@code null} for the type's. */
	String model();

	/** What to do when no live agent serves one of {@link #agentTypes()} at submit. */
	NoAgentPolicy whenNoAgent();

	Priority priority();

	JobLimits limits();

	Reduce reduce();

	/**
	 * Number of tasks this job fans out into, or for a job whose tasks are planned at run time (a supervisor's) the
	 * number known at submit.
	 */
	int taskCount();
}
