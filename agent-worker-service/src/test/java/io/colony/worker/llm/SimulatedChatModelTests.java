package io.colony.worker.llm;

import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SimulatedChatModelTests {

	private static final Prompt PROMPT = new Prompt(List.of(new SystemMessage("Summarize the input."),
			new UserMessage("Summarize this review.\n\nThe battery lasts two days. The screen is dim.")));

	@Test
	void answersOnlyAfterTheConfiguredLatency() {
		SimulatedChatModel model = new SimulatedChatModel(Duration.ofSeconds(3));

		StepVerifier.withVirtualTime(() -> model.stream(PROMPT))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(2_999))
			.thenAwait(Duration.ofMillis(1))
			.assertNext(response -> assertThat(response.getResult().getOutput().getText())
				.isEqualTo("Summary: The battery lasts two days."))
			.verifyComplete();
	}

	@Test
	void theSameInputGivesTheSameAnswer() {
		ChatResponse first = SimulatedChatModel.answer(PROMPT);
		ChatResponse second = SimulatedChatModel.answer(PROMPT);

		assertThat(first.getResult().getOutput().getText()).isEqualTo(second.getResult().getOutput().getText());
		assertThat(first.getMetadata().getId()).isEqualTo(second.getMetadata().getId());
		assertThat(first.getMetadata().getModel()).isEqualTo(SimulatedChatModel.MODEL);
	}

	@Test
	void aScriptedAnswerIsAnsweredVerbatimEvenWithBracketsInside() {
		String plan = "{\"subtasks\": [{\"id\": \"a\", \"agent\": \"summarizer\", \"subtasks\": []}]}";
		ChatResponse response = SimulatedChatModel.answer(
				new Prompt(new UserMessage("Plan it.\n\nThe request. [[answer]] " + plan + " [[/answer]]")));

		assertThat(response.getResult().getOutput().getText()).isEqualTo(plan);
	}

	@Test
	void aScriptedAnswerQuotedAsTheRequestIsNotAnsweredAgain() {
		ChatResponse response = SimulatedChatModel.answer(new Prompt(new UserMessage(
				"Compose.\n\n## request\nThe request. [[answer]]{\"subtasks\": []}[[/answer]]\n\n## facts (researcher)\nAnts farm.")));

		assertThat(response.getResult().getOutput().getText()).startsWith("Summary: ");
	}

	@Test
	void reportsTokenUsageEstimatedAsWords() {
		ChatResponse response = SimulatedChatModel.answer(PROMPT);

		// system: 3 words; user: 3 + 9 words; output: "Summary: The battery lasts two days." = 6 words
		assertThat(response.getMetadata().getUsage().getPromptTokens()).isEqualTo(15);
		assertThat(response.getMetadata().getUsage().getCompletionTokens()).isEqualTo(6);
	}

	@Test
	void longInputWithoutSentenceEndIsCutToFortyWords() {
		String input = "word ".repeat(100).strip();
		ChatResponse response = SimulatedChatModel.answer(new Prompt(new UserMessage("Summarize.\n\n" + input)));

		String text = response.getResult().getOutput().getText();
		assertThat(text).startsWith("Summary: word word").endsWith(" …");
		assertThat(SimulatedChatModel.words(text)).isEqualTo(1 + 40 + 1);
	}

	@Test
	void emptyInputStillAnswers() {
		ChatResponse response = SimulatedChatModel.answer(new Prompt(new UserMessage("Summarize.\n\n")));

		assertThat(response.getResult().getOutput().getText()).isEqualTo("Summary: (empty input)");
	}

	@Test
	void blockingCallHonoursTheSameAnswer() {
		SimulatedChatModel model = new SimulatedChatModel(Duration.ZERO);

		assertThat(model.call(PROMPT).getResult().getOutput().getText()).isEqualTo("Summary: The battery lasts two days.");
	}
}
