package io.colony.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.colony.contracts.Destinations;
import io.colony.contracts.JobId;
import io.colony.contracts.TaskAssigned;
import io.colony.contracts.TaskCompleted;
import io.colony.contracts.TaskFailed;
import io.colony.contracts.TaskResult;
import io.colony.contracts.Usage;
import io.colony.platform.messaging.MessageCodec;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.testing.Await;
import io.colony.platform.testing.ColonyTestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAI-compatible provider end to end: tasks from the broker, Colony's non-blocking OpenAI-compatible model calling
 * a tiny local server that speaks {@code POST /v1/chat/completions} (server-sent events when asked to
 * stream, plain JSON otherwise), results back on the broker; provider errors become failed attempts,
 * retryable or not.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "colony.worker.llm.provider=openai", "colony.worker.llm.openai.api-key=" + OpenAiProviderIntegrationTests.API_KEY,
				"colony.worker.llm.openai.model=tiny-test-model", "colony.worker.agent-id=worker-openai-it",
				"colony.worker.catalog.serve=summarizer" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenAiProviderIntegrationTests {

	static final String API_KEY = "sk-test-0123456789-secret";

	private static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	private static final FakeOpenAi server = FakeOpenAi.start();

	private static final Duration WAIT = Duration.ofSeconds(60);

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry registry) {
		env.properties().forEach((key, value) -> registry.add(key, () -> value));
		registry.add("colony.worker.llm.openai.base-url", () -> server.baseUrl());
	}

	@Autowired
	private MessagePublisher publisher;

	@Autowired
	private ConnectionFactory connectionFactory;

	@Autowired
	private AmqpAdmin admin;

	@Autowired
	private MessageCodec codec;

	private BrokerProbe<TaskResult> results;

	@BeforeAll
	void listen() {
		results = BrokerProbe.listen(connectionFactory, admin, codec, Destinations.RESULTS, "result.#", TaskResult.class);
	}

	@AfterAll
	void cleanUp() {
		results.close();
		server.stop();
		env.close();
	}

	@Test
	void completesATaskWithTheStreamedAnswerAndTheReportedUsage() {
		TaskAssigned task = Tasks.task(JobId.random(), "summarizer", 1, "The tide rose. Boats floated.");

		publisher.publish(Tasks.toSummarizers(task)).join();

		TaskCompleted completed = (TaskCompleted) resultOf(task);
		assertThat(completed.output()).isEqualTo("The tide rose.");
		assertThat(completed.usage()).isEqualTo(new Usage(21, 4, 1));
		assertThat(completed.attempt()).isEqualTo(1);
		JsonNode request = server.requestFor("The tide rose. Boats floated.");
		assertThat(request.get("model").asString()).isEqualTo("tiny-test-model");
		assertThat(request.get("stream").asBoolean()).isFalse();
		assertThat(request.get("messages").get(0).get("role").asString()).isEqualTo("system");
		assertThat(request.get("messages").get(0).get("content").asString())
			.startsWith("Summarize the input in one or two sentences.");
		assertThat(request.get("messages").get(1).get("content").asString())
			.isEqualTo("Summarize.\n\nThe tide rose. Boats floated.");
		assertThat(server.authorizationFor("The tide rose. Boats floated.")).isEqualTo("Bearer " + API_KEY);
	}

	@Test
	void aServerErrorFailsTheAttemptAsRetryable() {
		TaskAssigned task = Tasks.task(JobId.random(), "summarizer", 1, "FAIL-500 please.");

		publisher.publish(Tasks.toSummarizers(task)).join();

		TaskFailed failed = (TaskFailed) resultOf(task);
		assertThat(failed.retryable()).isTrue();
		assertThat(failed.isFinal()).isFalse();
		assertThat(failed.reason()).isEqualTo("LLM provider answered HTTP 500 server error").doesNotContain(API_KEY);
	}

	@Test
	void aRateLimitIsRetryableAndABadRequestIsFinal() {
		TaskAssigned limited = Tasks.task(JobId.random(), "summarizer", 2, "FAIL-429 please.");
		TaskAssigned rejected = Tasks.task(JobId.random(), "summarizer", 1, "FAIL-400 please.");

		publisher.publish(Tasks.toSummarizers(limited)).join();
		publisher.publish(Tasks.toSummarizers(rejected)).join();

		TaskFailed rateLimited = (TaskFailed) resultOf(limited);
		assertThat(rateLimited.retryable()).isTrue();
		assertThat(rateLimited.attempt()).isEqualTo(2);
		TaskFailed badRequest = (TaskFailed) resultOf(rejected);
		assertThat(badRequest.retryable()).isFalse();
		assertThat(badRequest.isFinal()).isTrue();
		assertThat(badRequest.reason()).startsWith("LLM provider answered HTTP 400").doesNotContain(API_KEY);
	}

	private TaskResult resultOf(TaskAssigned task) {
		return Await.untilValue(WAIT, "the result of " + task.taskId(), () -> results.matching(result -> switch (result) {
			case TaskCompleted completed -> completed.taskId().equals(task.taskId());
			case TaskFailed failed -> failed.taskId().equals(task.taskId());
			default -> false;
		}), list -> !list.isEmpty()).getFirst().payload();
	}

	/**
	 * Answers chat completions the way OpenAI does: the first sentence of the last user message's input,
	 * as SSE chunks with a final usage chunk when {@code stream} is true; {@code FAIL-<status>} in the input
	 * answers with that status and an error body that quotes the key (which must never reach a result).
	 */
	static final class FakeOpenAi {

		private static final JsonMapper json = JsonMapper.builder().build();

		private final HttpServer http;

		private final Map<String, JsonNode> requests = new ConcurrentHashMap<>();

		private final Map<String, String> authorizations = new ConcurrentHashMap<>();

		private FakeOpenAi(HttpServer http) {
			this.http = http;
		}

		static FakeOpenAi start() {
			try {
				HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
				FakeOpenAi server = new FakeOpenAi(http);
				http.createContext("/v1/chat/completions", server::chatCompletions);
				http.start();
				return server;
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}

		String baseUrl() {
			return "http://127.0.0.1:" + http.getAddress().getPort() + "/v1";
		}

		JsonNode requestFor(String input) {
			return requests.get(input);
		}

		String authorizationFor(String input) {
			return authorizations.get(input);
		}

		void stop() {
			http.stop(0);
		}

		private void chatCompletions(HttpExchange exchange) throws IOException {
			try (exchange) {
				if (!"POST".equals(exchange.getRequestMethod())) {
					respond(exchange, 405, "application/json", "{}");
					return;
				}
				JsonNode request = json.readTree(exchange.getRequestBody().readAllBytes());
				List<JsonNode> messages = request.get("messages").valueStream().toList();
				String user = messages.getLast().get("content").asString();
				String input = user.substring(user.lastIndexOf("\n\n") + 2);
				requests.put(input, request);
				authorizations.put(input, String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
				if (input.startsWith("FAIL-")) {
					int status = Integer.parseInt(input.substring(5, 8));
					respond(exchange, status, "application/json", "{\"error\":{\"message\":\"Incorrect API key provided: "
							+ API_KEY + "\",\"type\":\"invalid_request_error\",\"code\":\"oops\"}}");
					return;
				}
				String answer = input.substring(0, input.indexOf('.') + 1);
				String model = request.get("model").asString();
				if (request.path("stream").asBoolean(false)) {
					StringBuilder events = new StringBuilder();
					String[] pieces = { answer.substring(0, 4), answer.substring(4) };
					for (String piece : pieces) {
						events.append("data: ").append(chunk(model, "{\"role\":\"assistant\",\"content\":"
								+ json.writeValueAsString(piece) + "}", "null", "")).append("\n\n");
					}
					events.append("data: ").append(chunk(model, "{}", "\"stop\"", "")).append("\n\n");
					events.append("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"")
						.append(model)
						.append("\",\"choices\":[],\"usage\":{\"prompt_tokens\":21,\"completion_tokens\":4,\"total_tokens\":25}}\n\n");
					events.append("data: [DONE]\n\n");
					respond(exchange, 200, "text/event-stream", events.toString());
				}
				else {
					respond(exchange, 200, "application/json", "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
							+ "\"model\":\"" + model + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
							+ json.writeValueAsString(answer) + "},\"finish_reason\":\"stop\"}],"
							+ "\"usage\":{\"prompt_tokens\":21,\"completion_tokens\":4,\"total_tokens\":25}}");
				}
			}
		}

		private static String chunk(String model, String delta, String finishReason, String extra) {
			return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + model
					+ "\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finishReason + "}]"
					+ extra + "}";
		}

		private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
			byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", contentType);
			exchange.sendResponseHeaders(status, bytes.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(bytes);
			}
		}
	}
}
