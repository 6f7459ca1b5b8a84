package io.colony.worker.agent;

import org.springframework.ai.chat.model.ChatModel;

/**
 * A catalog model bound to the provider that serves it.
 *
 * @param name the catalog's name (e.g. {@code standard})
 * @param provider the provider's name (e.g. {@code openai})
 * @param id the provider's model id, as sent and as priced
 */
public record ResolvedModel(String name, String provider, String id, ChatModel chatModel, Double temperature,
		Integer maxTokens) {

	/** Same request, same answer: temperature 0, or the simulated provider (deterministic by construction). */
	boolean deterministic() {
		return "simulated".equals(provider) || (temperature != null && temperature == 0.0);
	}
}
