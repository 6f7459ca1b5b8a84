package io.colony.worker.agent;

import org.springframework.ai.chat.messages.AssistantMessage;

/** What one LLM call answered, with its token counts as the provider reported them (or estimated). */
record ModelReply(AssistantMessage message, long promptTokens, long completionTokens, boolean cached) {

	ModelReply fromCache() {
		return new ModelReply(message, promptTokens, completionTokens, true);
	}

	long tokens() {
		return promptTokens + completionTokens;
	}
}
