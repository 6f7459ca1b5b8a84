package io.colony.worker.llm.openai;

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
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAI-compatible model against a stand-in Chat Completions server on 127.0.0.1 that answers in
 * the documented format: answers, tool calls and their round trip, error statuses, time-outs, malformed
 * and oversized answers, and 2,000 calls waiting at once on a handful of threads.
 */
class OpenAiCompatibleChatModelIntegrationTests {

	private static final String API_KEY = "sk-test-0123456789-secret";

	private static final String ERROR_BODY = "{\"error\":{\"message\":\"Incorrect API key provided: " + API_KEY
			+ "\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}";

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final StandInServer server = StandInServer.serving("/v1/chat/completions");

	private OpenAiCompatibleChatModel model;

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
	void answersWithTheTextTheFinishReasonAndTheReportedUsage() {
		server.reply(Reply.json(completion("chatcmpl-1", "gpt-test", message("The tide rose."), "stop", 21, 4)));
		ChatOptions options = ChatOptions.builder()
			.model("gpt-test")
			.temperature(0.2)
			.maxTokens(100)
			.topP(0.9)
			.stopSequences(List.of("END"))
			.build();

		ChatResponse response = model.stream(new Prompt(
				List.of(new SystemMessage("Be brief."), new UserMessage("Summarize: The tide rose. Boats floated.")),
				options)).single().block();

		assertThat(response.getResult().getOutput().getText()).isEqualTo("The tide rose.");
		assertThat(response.getResult().getOutput().hasToolCalls()).isFalse();
		assertThat(response.getResult().getMetadata().getFinishReason()).isEqualTo("stop");
		assertThat(response.getMetadata().getId()).isEqualTo("chatcmpl-1");
		assertThat(response.getMetadata().getModel()).isEqualTo("gpt-test");
		assertThat(response.getMetadata().getUsage().getPromptTokens()).isEqualTo(21);
		assertThat(response.getMetadata().getUsage().getCompletionTokens()).isEqualTo(4);
		Recorded request = server.requests().getFirst();
		assertThat(request.header("Authorization")).isEqualTo("Bearer " + API_KEY);
		assertThat(request.header("Content-Type")).startsWith("application/json");
		assertThat(request.body()).isEqualTo(json("""
				{"model": "gpt-test",
				 "messages": [{"role": "system", "content": "Be brief."},
				              {"role": "user", "content": "Summarize: The tide rose. Boats floated."}],
				 "stream": false, "temperature": 0.2, "max_tokens": 100, "top_p": 0.9, "stop": ["END"]}"""));
	}

	@Test
	void namesTheDefaultModelAndSendsNoAuthorizationWithoutAKey() {
		model.close();
		model = model(new OpenAiCompatibleSettings(server.url() + "/v1/", null, "default-model", TIMEOUT, null, null));
		server.reply(Reply.json(completion("chatcmpl-2", "default-model", message("Hi."), "stop", 3, 1)));

		ChatResponse response = model.call(new Prompt("Hello"));

		assertThat(response.getResult().getOutput().getText()).isEqualTo("Hi.");
		Recorded request = server.requests().getFirst();
		assertThat(request.body().get("model").stringValue()).isEqualTo("default-model");
		assertThat(request.header("Authorization")).isNull();
	}

	@Test
	void returnsToolCallsAndSendsBackTheAssistantsCallsAndOneToolMessagePerResult() {
		ToolCallingChatOptions options = ToolCallingChatOptions.builder()
			.model("gpt-test")
			.toolCallbacks(List.of(new LookupTool()))
			.build();
		server.reply(Reply.json(completion("chatcmpl-3", "gpt-test", """
				{"role": "assistant", "content": null, "tool_calls": [
				  {"id": "call_1", "type": "function", "function": {"name": "lookup", "arguments": "{\\"word\\":\\"tide\\"}"}},
				  {"id": "call_2", "type": "function", "function": {"name": "lookup", "arguments": "{\\"word\\":\\"boat\\"}"}}]}""",
				"tool_calls", 30, 12)),
				Reply.json(completion("chatcmpl-4", "gpt-test", message("Tides lift boats."), "stop", 60, 5)));
		List<Message> conversation = List.of(new SystemMessage("Use tools."), new UserMessage("Explain tides."));

		ChatResponse first = model.stream(new Prompt(conversation, options)).single().block();

		AssistantMessage calls = first.getResult().getOutput();
		assertThat(calls.getToolCalls()).containsExactly(
				new AssistantMessage.ToolCall("call_1", "function", "lookup", "{\"word\":\"tide\"}"),
				new AssistantMessage.ToolCall("call_2", "function", "lookup", "{\"word\":\"boat\"}"));
		assertThat(first.getResult().getMetadata().getFinishReason()).isEqualTo("tool_calls");
		assertThat(server.requests().getFirst().body().get("tools")).isEqualTo(json("""
				[{"type": "function", "function": {"name": "lookup", "description": "Looks a word up.",
				  "parameters": {"type": "object", "properties": {"word": {"type": "string"}}, "required": ["word"]}}}]"""));

		ToolResponseMessage results = ToolResponseMessage.builder()
			.responses(List.of(new ToolResponseMessage.ToolResponse("call_1", "lookup", "tide: the sea rising"),
					new ToolResponseMessage.ToolResponse("call_2", "lookup", "boat: a small vessel")))
			.build();
		List<Message> followUp = List.of(conversation.get(0), conversation.get(1), calls, results);
		ChatResponse second = model.stream(new Prompt(followUp, options)).single().block();

		assertThat(second.getResult().getOutput().getText()).isEqualTo("Tides lift boats.");
		assertThat(server.requests().get(1).body().get("messages")).isEqualTo(json("""
				[{"role": "system", "content": "Use tools."},
				 {"role": "user", "content": "Explain tides."},
				 {"role": "assistant", "content": null, "tool_calls": [
				   {"id": "call_1", "type": "function", "function": {"name": "lookup", "arguments": "{\\"word\\":\\"tide\\"}"}},
				   {"id": "call_2", "type": "function", "function": {"name": "lookup", "arguments": "{\\"word\\":\\"boat\\"}"}}]},
				 {"role": "tool", "tool_call_id": "call_1", "content": "tide: the sea rising"},
				 {"role": "tool", "tool_call_id": "call_2", "content": "boat: a small vessel"}]"""));
	}

	@Test
	void aRateLimitIsRetryableAfterTheProvidersRetryAfter() {
		server.reply(Reply.status(429, ERROR_BODY).withHeader("Retry-After", "7"));

		ProviderException error = failure();

		assertThat(error.status()).isEqualTo(429);
		assertThat(error.retryAfter()).isEqualTo(Duration.ofSeconds(7));
		assertThat(error.retryable()).isTrue();
		assertThat(error.provider()).isEqualTo("openai");
		assertThat(LlmFailures.classify(error, TIMEOUT))
			.isEqualTo(new LlmFailure("LLM provider answered HTTP 429 rate limited", true));
	}

	@Test
	void aServerErrorIsRetryable() {
		server.reply(Reply.status(500, ERROR_BODY));

		ProviderException error = failure();

		assertThat(error.status()).isEqualTo(500);
		assertThat(error.retryAfter()).isNull();
		assertThat(LlmFailures.classify(error, TIMEOUT).retryable()).isTrue();
	}

	@Test
	void readsARetryAfterGivenAsAnHttpDate() {
		String inThirtySeconds = DateTimeFormatter.RFC_1123_DATE_TIME
			.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(30));
		server.reply(Reply.status(503, ERROR_BODY).withHeader("Retry-After", inThirtySeconds));

		ProviderException error = failure();

		assertThat(error.retryable()).isTrue();
		assertThat(error.retryAfter()).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
	}

	@ParameterizedTest
	@ValueSource(ints = { 400, 401 })
	void aClientErrorIsFinalAndItsMessageRepeatsNeitherKeyNorBody(int status) {
		server.reply(Reply.status(status, ERROR_BODY));

		ProviderException error = failure();

		assertThat(error.status()).isEqualTo(status);
		assertThat(error.retryable()).isFalse();
		assertThat(error.getMessage()).isEqualTo("openai answered HTTP " + status)
			.doesNotContain(API_KEY)
			.doesNotContain("Incorrect API key");
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
	@ValueSource(strings = { "{\"id\": \"chatcmpl-5\", \"choices\": [{\"message\": {\"role\"", "[1, 2]",
			"{\"choices\": \"none\"}", "{\"choices\": []}",
			"{\"choices\": [{\"message\": {\"role\": \"assistant\", \"content\": 42}}]}",
			"{\"choices\": [{\"message\": {\"tool_calls\": [{\"id\": \"c\", \"function\": {}}]}}]}" })
	void anAnswerThatIsNotChatCompletionJsonFailsAsMalformed(String body) {
		server.reply(Reply.json(body));

		ProviderException error = failure();

		assertThat(error.status()).isEqualTo(ProviderException.MALFORMED_RESPONSE);
		assertThat(error.retryable()).isTrue();
		assertThat(error.getMessage()).startsWith("openai answered ").doesNotContain("chatcmpl-5");
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
		assertThat(error.getMessage()).isEqualTo("openai answered an answer larger than 4096B");
	}

	@Test
	void anUnreachableServerFailsWithTheConnectionErrorAsRetryable() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		model.close();
		model = model(new OpenAiCompatibleSettings("http://127.0.0.1:" + closedPort + "/v1", API_KEY, null, TIMEOUT,
				null, null));

		StepVerifier.create(model.stream(new Prompt("Hello")))
			.expectErrorSatisfies(error -> {
				assertThat(error).isInstanceOf(WebClientRequestException.class).hasRootCauseInstanceOf(IOException.class);
				assertThat(LlmFailures.classify(error, TIMEOUT).retryable()).isTrue();
			})
			.verify(Duration.ofSeconds(15));
	}

	@Test
	void twoThousandCallsWaitAtOnceWithoutAThreadEach() {
		int calls = 2_000;
		model.close();
		model = model(settings(Duration.ofSeconds(60), null));
		server.answerEveryRequest(request -> {
			String question = request.body().get("messages").get(0).get("content").stringValue();
			return Reply.json(completion("chatcmpl-x", "gpt-test", message("echo " + question), "stop", 5, 2))
				.after(Duration.ofMillis(500));
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

	private static OpenAiCompatibleChatModel model(OpenAiCompatibleSettings settings) {
		return new OpenAiCompatibleChatModel(settings, WebClient.builder());
	}

	private static OpenAiCompatibleSettings settings(Duration timeout, DataSize maxResponseSize) {
		return new OpenAiCompatibleSettings(server.url() + "/v1", API_KEY, "gpt-default", timeout, maxResponseSize,
				null);
	}

	/** A chat completion as OpenAI documents it, with one choice. */
	private static String completion(String id, String model, String message, String finishReason, int promptTokens,
			int completionTokens) {
		return """
				{"id": "%s", "object": "chat.completion", "created": 1741569952, "model": "%s",
				 "choices": [{"index": 0, "message": %s, "logprobs": null, "finish_reason": "%s"}],
				 "usage": {"prompt_tokens": %d, "completion_tokens": %d, "total_tokens": %d},
				 "system_fingerprint": "fp_stand_in"}"""
			.formatted(id, model, message, finishReason, promptTokens, completionTokens, promptTokens + completionTokens);
	}

	private static String message(String content) {
		return "{\"role\": \"assistant\", \"content\": " + JSON.writeValueAsString(content) + ", \"refusal\": null}";
	}

	private static JsonNode json(String text) {
		return JSON.readTree(text);
	}
}
