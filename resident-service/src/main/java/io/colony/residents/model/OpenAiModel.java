package io.colony.residents.model;

import io.colony.residents.agent.Memory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Any OpenAI-compatible {@code POST <base-url>/chat/completions} (OpenAI, vLLM, Ollama, LM Studio, OpenRouter),
 * called with WebClient: the turn waits on the network without a thread.
 */
class OpenAiModel implements ResidentModel {

	private final WebClient client;

	private final String model;

	private final Duration timeout;

	OpenAiModel(WebClient.Builder builder, ModelProperties properties) {
		WebClient.Builder configured = builder.baseUrl(properties.baseUrl())
			.defaultHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE);
		if (properties.apiKey() != null && !properties.apiKey().isBlank()) {
			configured.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + properties.apiKey());
		}
		this.client = configured.build();
		this.model = properties.model();
		this.timeout = properties.timeout();
	}

	@Override
	public Mono<Completion> answer(Prompt prompt) {
		List<Map<String, String>> messages = new ArrayList<>();
		messages.add(Map.of("role", "system", "content", prompt.system() + "\n\n" + remembered(prompt.memory())));
		for (Memory.Turn turn : prompt.memory().turns()) {
			messages.add(Map.of("role", "user", "content", turn.message()));
			messages.add(Map.of("role", "assistant", "content", turn.reply()));
		}
		messages.add(Map.of("role", "user", "content", prompt.message()));
		return complete(messages);
	}

	@Override
	public Mono<Completion> summarise(Memory memory, int maxWords) {
		StringBuilder conversation = new StringBuilder();
		for (Memory.Turn turn : memory.turns()) {
			conversation.append("User: ").append(turn.message()).append("\nAssistant: ").append(turn.reply()).append('\n');
		}
		String instruction = "Summarise what you know about the user and the conversation so far in at most "
				+ maxWords + " words. Keep goals, preferences, commitments and open questions; drop small talk.";
		return complete(List.of(Map.of("role", "system", "content", instruction), Map.of("role", "user", "content",
				"Previous summary: " + (memory.summary().isEmpty() ? "(none)" : memory.summary()) + "\n\nConversation:\n"
						+ conversation)));
	}

	private Mono<Completion> complete(List<Map<String, String>> messages) {
		return client.post()
			.uri("/chat/completions")
			.bodyValue(Map.of("model", model, "messages", messages))
			.retrieve()
			.bodyToMono(JsonNode.class)
			.timeout(timeout)
			.map(OpenAiModel::completion);
	}

	private static Completion completion(JsonNode response) {
		String text = response.path("choices").path(0).path("message").path("content").asString("");
		JsonNode usage = response.path("usage");
		return new Completion(text, usage.path("prompt_tokens").asLong(0), usage.path("completion_tokens").asLong(0));
	}

	private static String remembered(Memory memory) {
		StringBuilder text = new StringBuilder("What you remember about the user:\n");
		text.append("Summary: ").append(memory.summary().isEmpty() ? "(nothing yet)" : memory.summary()).append('\n');
		memory.facts().forEach((key, value) -> text.append("- ").append(key).append(": ").append(value).append('\n'));
		return text.toString();
	}
}
