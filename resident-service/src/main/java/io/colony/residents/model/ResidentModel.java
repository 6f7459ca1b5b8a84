package io.colony.residents.model;

import io.colony.residents.agent.Memory;
import reactor.core.publisher.Mono;

/**
 * The LLM behind resident agents. Both calls are non-blocking: a turn waiting on the model holds no thread.
 */
public interface ResidentModel {

	Mono<Completion> answer(Prompt prompt);

	/** A new summary of {@code memory} (its summary and turns) in at most about {@code maxWords} words. */
	Mono<Completion> summarise(Memory memory, int maxWords);
}
