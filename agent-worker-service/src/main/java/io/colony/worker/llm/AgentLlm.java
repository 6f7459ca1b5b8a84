package io.colony.worker.llm;

import io.colony.contracts.Usage;
import io.colony.worker.AgentType;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks the configured {@link ChatModel} on behalf of an agent type, through its streaming API so that a
 * pending call holds no thread. The prompt is the agent type's system prompt plus one user message,
 * {@code instruction + "\n\n" + input}.
 */
public final class AgentLlm {

	private final ChatModel chatModel;

	private final Duration timeout;

	private final String defaultModel;

	private final ConcurrencyLimit limit;

	/**
	 * @param defaultModel the model named when an agent type names none
	 * @param limit bounds calls open at once; {@code null} for none
	 */
	AgentLlm(ChatModel chatModel, Duration timeout, String defaultModel, ConcurrencyLimit limit) {
		this.chatModel = chatModel;
		this.timeout = timeout;
		this.defaultModel = defaultModel;
		this.limit = limit;
	}

	/**
	 * One LLM call. Fails with whatever the provider threw, or a {@link java.util.concurrent.TimeoutException}
	 * after the configured timeout (counted from when the call starts, not while it waits for a slot);
	 * {@link LlmFailures#classify} turns either into a publishable reason.
	 */
	public Mono<LlmAnswer> answer(AgentType agentType, String instruction, String input) {
		Prompt prompt = prompt(agentType, instruction, input);
		Mono<LlmAnswer> call = Mono.defer(() -> chatModel.stream(prompt).collectList())
			.map(responses -> toAnswer(prompt, responses))
			.timeout(timeout);
		return limit == null ? call : limit.run(call);
	}

	/** The model calls for {@code agentType} go to, as announced to the registry. */
	public String modelOf(AgentType agentType) {
		return agentType.model() != null ? agentType.model() : defaultModel;
	}

	public Duration timeout() {
		return timeout;
	}

	static Prompt prompt(AgentType agentType, String instruction, String input) {
		List<Message> messages = new ArrayList<>(2);
		if (!agentType.systemPrompt().isBlank()) {
			messages.add(new SystemMessage(agentType.systemPrompt()));
		}
		messages.add(new UserMessage((instruction == null ? "" : instruction) + "\n\n" + (input == null ? "" : input)));
		return agentType.model() == null ? new Prompt(messages)
				: new Prompt(messages, ChatOptions.builder().model(agentType.model()).build());
	}

	/**
	 * Joins streamed chunks. Providers report usage once, usually on the last chunk; when none did, it is
	 * estimated as words so that budgets still count something.
	 */
	static LlmAnswer toAnswer(Prompt prompt, List<ChatResponse> responses) {
		StringBuilder text = new StringBuilder();
		long promptTokens = 0;
		long completionTokens = 0;
		for (ChatResponse response : responses) {
			for (Generation generation : response.getResults()) {
				if (generation.getOutput() != null && generation.getOutput().getText() != null) {
					text.append(generation.getOutput().getText());
				}
			}
			org.springframework.ai.chat.metadata.Usage usage = response.getMetadata() == null ? null
					: response.getMetadata().getUsage();
			if (usage != null && (positive(usage.getPromptTokens()) || positive(usage.getCompletionTokens()))) {
				promptTokens = usage.getPromptTokens() == null ? 0 : usage.getPromptTokens();
				completionTokens = usage.getCompletionTokens() == null ? 0 : usage.getCompletionTokens();
			}
		}
		String output = text.toString();
		if (promptTokens == 0 && completionTokens == 0) {
			promptTokens = prompt.getInstructions().stream().mapToInt(m -> SimulatedChatModel.words(m.getText())).sum();
			completionTokens = SimulatedChatModel.words(output);
		}
		return new LlmAnswer(output, new Usage(promptTokens, completionTokens, 1));
	}

	private static boolean positive(Integer value) {
		return value != null && value > 0;
	}
}
