package io.colony.worker.llm.anthropic;

import io.colony.platform.testing.Await;
import io.colony.worker.llm.LlmFailure;
import io.colony.worker.llm.LlmFailures;
import io.colony.worker.llm.ProviderException;
import io.colony.worker.llm.standin.LookupTool;
import io.colony.worker.llm.standin.StandInServer;
import io.colony.worker.llm.standin.StandInServer.Recorded;
import io.colony.worker.llm.standin.StandInServer.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Anthropic model against a stand-in Messages API on 127.0.0.1 that answers in the documented format:
 * answers, tool use and its round trip, error statuses, time-outs, malformed and oversized answers, and
 * 2,000 calls waiting at once on a handful of threads.
 */
class AnthropicChatModelIntegrationTests {

	private static final String API_KEY = "sk-ant-test-0123456789-secret";

	private static final String ERROR_BODY = "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\","
			+ "\"message\":\"invalid x-api-key " + API_KEY + "\"}}";

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final StandInServer server = StandInServer.serving("/v1/messages");

	private AnthropicChatModel model;

	@BeforeEach
	void connect() {
		server.reset();
		model = model(settings(TIMEOUT, null));
	}

	@AfterEach
	void disconnect() {
		model.close();
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@Test
	void answersWithTheTextTheStopReasonAndTheReportedUsage() {
		server.reply(Reply.json(message("msg_01", "claude-test", "[{\"type\": \"text\", \"text\": \"The tide rose.\"}]",
				"end_turn", 21, 4)));
		ChatOptions options = ChatOptions.builder()
			.model("claude-test")
			.temperature(0.2)
			.maxTokens(100)
			.topP(0.9)
			.topK(40)
			.stopSequences(List.of("END"))
			.build();

		ChatResponse response = model.stream(new Prompt(
				List.of(new SystemMessage("Be brief."), new UserMessage("Summarize: The tide rose. Boats floated.")),
				options)).single().block();

		assertThat(response.getResult().getOutput().getText()).isEqualTo("The tide rose.");
		assertThat(response.getResult().getOutput().hasToolCalls()).isFalse();
		assertThat(response.getResult().getMetadata().getFinishReason()).isEqualTo("end_turn");
		assertThat(response.getMetadata().getId()).isEqualTo("msg_01");
		assertThat(response.getMetadata().getModel()).isEqualTo("claude-test");
		assertThat(response.getMetadata().getUsage().getPromptTokens()).isEqualTo(21);
		assertThat(response.getMetadata().getUsage().getCompletionTokens()).isEqualTo(4);
		Recorded request = server.requests().getFirst();
		assertThat(request.header("x-api-key")).isEqualTo(API_KEY);
		assertThat(request.header("anthropic-version")).isEqualTo("2023-06-01");
		assertThat(request.header("Authorization")).isNull();
		assertThat(request.header("Content-Type")).startsWith("application/json");
		assertThat(request.body()).isEqualTo(json("""
				{"model": "claude-test", "max_tokens": 100, "system": "Be brief.",
				 "messages": [{"role": "user", "content": [{"type": "text", "text": "Summarize: The tide rose. Boats floated."}]}],
				 "temperature": 0.2, "top_p": 0.9, "top_k": 40, "stop_sequences": ["END"]}"""));
	}

	@Test
	void sendsTheDefaultModelAndMaxTokensWhenThePromptSetsNone() {
		server.reply(Reply.json(message("msg_02", "claude-default", "[{\"type\": \"text\", \"text\": \"Hi.\"}]",
				"end_turn", 3, 1)));

		ChatResponse response = model.call(new Prompt("Hello"));

		assertThat(response.getResult().getOutput().getText()).isEqualTo("Hi.");
		JsonNode body = server.requests().getFirst().body();
		assertThat(body.get("model").stringValue()).isEqualTo("claude-default");
		assertThat(body.get("max_tokens").intValue()).isEqualTo(512);
		assertThat(body.has("system")).isFalse();
	}

	@Test
	void returnsToolUseAndSendsBackTheToolUseBlocksAndTheToolResultsInAUserTurn() {
		ToolCallingChatOptions options = ToolCallingChatOptions.builder()
			.model("claude-test")
			.toolCallbacks(List.of(new LookupTool()))
			.build();
		server.reply(Reply.json(message("msg_03", "claude-test", """
				[{"type": "text", "text": "Let me look."},
				 {"type": "tool_use", "id": "toolu_01", "name": "lookup", "input": {"word": "tide"}},
				 {"type": "tool_use", "id": "toolu_02", "name": "lookup", "input": {"word": "boat"}}]""",
				"tool_use", 30, 12)),
				Reply.json(message("msg_04", "claude-test", "[{\"type\": \"text\", \"text\": \"Tides lift boats.\"}]",
						"end_turn", 60, 5)));
		List<Message> conversation = List.of(new SystemMessage("Use tools."), new UserMessage("Explain tides."));

		ChatResponse first = model.stream(new Prompt(conversation, options)).single().block();

		AssistantMessage calls = first.getResult().getOutput();
		assertThat(calls.getText()).isEqualTo("Let me look.");
		assertThat(calls.getToolCalls()).containsExactly(
				new AssistantMessage.ToolCall("toolu_01", "function", "lookup", "{\"word\":\"tide\"}"),
				new AssistantMessage.ToolCall("toolu_02", "function", "lookup", "{\"word\":\"boat\"}"));
		assertThat(first.getResult().getMetadata().getFinishReason()).isEqualTo("tool_use");
		assertThat(server.requests().getFirst().body().get("tools")).isEqualTo(json("""
				[{"name": "lookup", "description": "Looks a word up.",
				  "input_schema": {"type": "object", "properties": {"word": {"type": "string"}}, "required": ["word"]}}]"""));

		ToolResponseMessage results = ToolResponseMessage.builder()
			.responses(List.of(new ToolResponseMessage.ToolResponse("toolu_01", "lookup", "tide: the sea rising"),
					new ToolResponseMessage.ToolResponse("toolu_02", "lookup", "error: no entry for 'boat'")))
			.build();
		List<Message> followUp = List.of(conversation.get(0), conversation.get(1), calls, results,
				new UserMessage("Answer in one sentence."));
		ChatResponse second = model.stream(new Prompt(followUp, options)).single().block();

		assertThat(second.getResult().getOutput().getText()).isEqualTo("Tides lift boats.");
		JsonNode request = server.requests().get(1).body();
		assertThat(request.get("system").stringValue()).isEqualTo("Use tools.");
		assertThat(request.get("messages")).isEqualTo(json("""
				[{"role": "user", "content": [{"type": "text", "text": "Explain tides."}]},
				 {"role": "assistant", "content": [
				   {"type": "text", "text": "Let me look."},
				   {"type": "tool_use", "id": "toolu_01", "name": "lookup", "input": {"word": "tide"}},
				   {"type": "tool_use", "id": "toolu_02", "name": "lookup", "input": {"word": "boat"}}]},
				 {"role": "user", "content": [
				   {"type": "tool_result", "tool_use_id": "toolu_01", "content": "tide: the sea rising"},
				   {"type": "tool_result", "tool_use_id": "toolu_02", "content": "error: no entry for 'boat'", "is_error": true},
				   {"type": "text", "text": "Answer in one sentence."}]}]"""));
	}

	@Test
	void aRateLimitIsRetryableAfterTheProvidersRetryAfter() {
		server.reply(Reply.status(429, ERROR_BODY).withHeader("retry-after", "7"));

		ProviderException error = failure();

		assertThat(error.status()).isEqualTo(429);
		assertThat(error.retryAfter()).isEqualTo(Duration.ofSeconds(7));
		assertThat(error.retryable()).isTrue();
		assertThat(error.provider()).isEqualTo("anthropic");
		assertThat(LlmFailures.classify(error, TIMEOUT))
			.isEqualTo(new LlmFailure("LLM provider answered HTTP 429 rate limited", true));
	}

	@ParameterizedTest
	@ValueSource(ints = { 500, 529 })
	void aServerErrorOrOverloadIsRetryable(int status) {
		server.reply(Reply.status(status, ERROR_BODY));

		ProviderException error = failure();

		assertThat(error.status()).isEqualTo(status);
		assertThat(error.retryable()).isTrue();
		assertThat(LlmFailures.classify(error, TIMEOUT).retryable()).isTrue();
	}

	@ParameterizedTest
	@ValueSource(ints = { 400, 401 })
	void aClientErrorIsFinalAndItsMessageRepeatsNeitherKeyNorBody(int status) {
		server.reply(Reply.status(status, ERROR_BODY));

		ProviderException error = failure();

		assertThat(error.status()).isEqualTo(status);
		assertThat(error.retryable()).isFalse();
		assertThat(error.getMessage()).isEqualTo("anthropic answered HTTP " + status)
			.doesNotContain(API_KEY)
			.doesNotContain("invalid x-api-key");
		LlmFailure failure = LlmFailures.classify(error, TIMEOUT);
		assertThat(failure.retryable()).isFalse();
		assertThat(failure.reason()).startsWith("LLM provider answered HTTP " + status).doesNotContain(API_KEY);
	}

	@Test
	void aServerThatNeverAnswersTimesOutAndTheConnectionIsGivenUp() {
		model.close();
		model = model(settings(Duration.ofSeconds(1), null));
		server.reply(Reply.never());

		StepVerifier.create(model.stream(new Prompt("Hello")))
			.expectError(TimeoutException.class)
			.verify(Duration.ofSeconds(15));

		Await.until(Duration.ofSeconds(10), "the stand-in to see the request given up", () -> server.openNow() == 0);
		assertThat(server.requests()).hasSize(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"id\": \"msg_05\", \"content\": [{\"type\"", "\"text\"", "{\"content\": \"The tide.\"}",
			"{\"content\": [{\"text\": \"no type\"}]}",
			"{\"content\": [{\"type\": \"tool_use\", \"id\": \"t\", \"name\": \"lookup\", \"input\": \"tide\"}]}",
			"{\"content\": [], \"usage\": {\"input_tokens\": \"many\"}}" })
	void anAnswerThatIsNotAMessageFailsAsMalformed(String body) {
		server.reply(Reply.json(body));

		ProviderException error = failure();

		assertThat(error.status()).isEqualTo(ProviderException.MALFORMED_RESPONSE);
		assertThat(error.retryable()).isTrue();
		assertThat(error.getMessage()).startsWith("anthropic answered ").doesNotContain("msg_05");
		assertThat(LlmFailures.classify(error, TIMEOUT))
			.isEqualTo(new LlmFailure("LLM provider answered HTTP 502 or malformed JSON", true));
	}

	@Test
	void anAnswerLargerThanTheCapFails() {
		model.close();
		model = model(settings(TIMEOUT, DataSize.ofKilobytes(4)));
		server.reply(Reply.jsonLargerThan(100_000));

		ProviderException error = failure();

		assertThat(error.status()).isEqualTo(ProviderException.MALFORMED_RESPONSE);
		assertThat(error.getMessage()).isEqualTo("anthropic answered an answer larger than 4096B");
	}

	@Test
	void twoThousandCallsWaitAtOnceWithoutAThreadEach() {
		int calls = 2_000;
		model.close();
		model = model(settings(Duration.ofSeconds(60), null));
		server.answerEveryRequest(request -> {
			String question = request.body().get("messages").get(0).get("content").get(0).get("text").stringValue();
			return Reply.json(message("msg_x", "claude-test", "[{\"type\": \"text\", \"text\": \"echo " + question + "\"}]",
					"end_turn", 5, 2)).after(Duration.ofMillis(500));
		});
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		threads.resetPeakThreadCount();

		List<String> answers = Flux.range(0, calls)
			.flatMap(i -> model.stream(new Prompt("call " + i)).single(), calls)
			.map(response -> response.getResult().getOutput().getText())
			.collectList()
			.block(Duration.ofSeconds(120));

		Set<String> expected = IntStream.range(0, calls).mapToObj(i -> "echo call " + i).collect(Collectors.toSet());
		assertThat(new HashSet<>(answers)).isEqualTo(expected);
		assertThat(answers).hasSize(calls);
		assertThat(server.peakOpen()).as("requests open at once at the stand-in").isGreaterThan(200);
		assertThat(threads.getPeakThreadCount()).as("peak live JVM threads").isLessThan(200);
	}

	private ProviderException failure() {
		Throwable[] error = new Throwable[1];
		StepVerifier.create(model.stream(new Prompt("Hello")))
			.expectErrorSatisfies(thrown -> error[0] = thrown)
			.verify(Duration.ofSeconds(15));
		assertThat(error[0]).isInstanceOf(ProviderException.class);
		return (ProviderException) error[0];
	}

	private static AnthropicChatModel model(AnthropicSettings settings) {
		return new AnthropicChatModel(settings, WebClient.builder());
	}

	private static AnthropicSettings settings(Duration timeout, DataSize maxResponseSize) {
		return new AnthropicSettings(server.url() + "/", API_KEY, "claude-default", 512, timeout, maxResponseSize, null);
	}

	/** A message as Anthropic documents it. */
	private static String message(String id, String model, String content, String stopReason, int inputTokens,
			int outputTokens) {
		return """
				{"id": "%s", "type": "message", "role": "assistant", "model": "%s", "content": %s,
				 "stop_reason": "%s", "stop_sequence": null,
				 "usage": {"input_tokens": %d, "output_tokens": %d, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}}"""
			.formatted(id, model, content, stopReason, inputTokens, outputTokens);
	}

	private static JsonNode json(String text) {
		return JSON.readTree(text);
	}
}
