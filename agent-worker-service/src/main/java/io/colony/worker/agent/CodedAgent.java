package io.colony.worker.agent;

import io.colony.contracts.TaskAssigned;
import io.colony.worker.catalog.AgentType;
import reactor.core.publisher.Mono;

/**
 * A workflow written in code that runs the tasks of the agent types whose catalog entry names it as
 * {@code handler}, instead of the LLM loop (e.g. {@code github-pr-review}). Like the loop it never fails its
 * {@code Mono}: a failure is a {@link LoopOutcome.Stopped} that says whether another attempt may do better.
 */
public interface CodedAgent {

	/** The name a catalog entry's {@code handler} refers to. */
	String handler();

	Mono<LoopOutcome> run(TaskAssigned task, AgentType type);
}
