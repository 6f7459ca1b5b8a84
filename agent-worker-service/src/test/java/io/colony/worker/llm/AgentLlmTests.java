package io.colony.worker.llm;

import io.colony.contracts.Usage;
import io.colony.worker.AgentType;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.MessageType;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

class AgentLlmTests {

	private static final AgentType SUMMARIZER = new AgentType("summarizer", "summarizer", "Be brief.", null);

	@Test
	void thePromptIsTheSystemPromptAndInstructionPlusInput() {
		Prompt prompt = AgentLlm.prompt(SUMMARIZER, "Summarize.", "It rained.");

		assertThat(prompt.getInstructions()).extracting(message -> message.getMessageType())
			.containsExactly(MessageType.SYSTEM, MessageType.USER);
		assertThat(prompt.getSystemMessage().getText()).isEqualTo("Be brief.");
		assertThat(prompt.getUserMessage().getText()).isEqualTo("Summarize.\n\nIt rained.");
		assertThat(prompt.getOptions()).isNull();
	}

	@Test
	void anAgentTypesModelTravelsWithThePrompt() {
		Prompt prompt = AgentLlm.prompt(new AgentType("coder", null, "", "big-model"), "Fix.", "x");

		assertThat(prompt.getOptions().getModel()).isEqualTo("big-model");
		assertThat(prompt.getSystemMessage().getText()).isEmpty();
	}

	@Test
	void joinsStreamedChunksAndTakesTheReportedUsage() {
		Prompt prompt = AgentLlm.prompt(SUMMARIZER, "Summarize.", "It rained.");
		List<ChatResponse> chunks = List.of(chunk("It ", null), chunk("rained.", null),
				new ChatResponse(List.of(), ChatResponseMetadata.builder().usage(new DefaultUsage(42, 7)).build()));

		LlmAnswer answer = AgentLlm.toAnswer(prompt, chunks);

		assertThat(answer).isEqualTo(new LlmAnswer("It rained.", new Usage(42, 7, 1)));
	}

	@Test
	void estimatesUsageWhenTheProviderReportedNone() {
		Prompt prompt = AgentLlm.prompt(SUMMARIZER, "Summarize.", "It rained.");

		LlmAnswer answer = AgentLlm.toAnswer(prompt, List.of(chunk("Wet day.", null)));

		assertThat(answer.usage()).isEqualTo(new Usage(2 + 3, 2, 1));
	}

	@Test
	void aCallThatTakesTooLongFailsWithATimeout() {
		AgentLlm llm = new AgentLlm(new SimulatedChatModel(Duration.ofMinutes(5)), Duration.ofSeconds(60), "m", null);

		StepVerifier.withVirtualTime(() -> llm.answer(SUMMARIZER, "Summarize.", "x"))
			.expectSubscription()
			.thenAwait(Duration.ofSeconds(60))
			.expectError(TimeoutException.class)
			.verify();
	}

	private static ChatResponse chunk(String text, DefaultUsage usage) {
		ChatResponseMetadata metadata = usage == null ? new ChatResponseMetadata()
				: ChatResponseMetadata.builder().usage(usage).build();
		return new ChatResponse(List.of(new Generation(new AssistantMessage(text))), metadata);
	}
}
