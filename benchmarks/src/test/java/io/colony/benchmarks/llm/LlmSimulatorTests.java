package io.colony.benchmarks.llm;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LlmSimulatorTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static LlmSimulator simulator;

	private static HttpClient http;

	@BeforeAll
	static void start() {
		simulator = LlmSimulator.start("127.0.0.1", 0, Duration.ofMillis(50));
		// A fresh connection per request: no test can pick up a keep-alive connection another one left behind.
		http = HttpClient.newConnection().baseUrl(simulator.baseUrl());
	}

	@AfterAll
	static void stop() {
		simulator.close();
	}

	@Test
	void answersLikeOpenAiChatCompletions() {
		JsonNode answer = json.readTree(post("/v1/chat/completions", request("Ants build bridges with their bodies.", false)));

		assertThat(answer.path("id").asString("")).startsWith("chatcmpl-");
		assertThat(answer.path("object").asString("")).isEqualTo("chat.completion");
		assertThat(answer.path("created").asLong(0)).isPositive();
		assertThat(answer.path("model").asString("")).isEqualTo("gpt-test");
		JsonNode choice = answer.path("choices").get(0);
		assertThat(choice.path("message").path("role").asString("")).isEqualTo("assistant");
		assertThat(choice.path("message").path("content").asString("")).contains("Ants build bridges");
		assertThat(choice.path("finish_reason").asString("")).isEqualTo("stop");
		JsonNode usage = answer.path("usage");
		assertThat(usage.path("prompt_tokens").asInt(0)).isPositive();
		assertThat(usage.path("completion_tokens").asInt(0)).isPositive();
		assertThat(usage.path("total_tokens").asInt(0))
			.isEqualTo(usage.path("prompt_tokens").asInt() + usage.path("completion_tokens").asInt());
	}

	@Test
	void theAnswerDependsOnlyOnTheLastUserMessage() {
		String first = content(post("/v1/chat/completions", request("The same question", false)));
		String again = content(post("/chat/completions", request("The same question", false)));
		String other = content(post("/v1/chat/completions", request("Another question", false)));

		assertThat(again).isEqualTo(first);
		assertThat(other).isNotEqualTo(first);
	}

	@Test
	void streamsChunksAsServerSentEventsEndingWithDone() {
		String body = post("/v1/chat/completions", request("Stream this answer please", true));

		List<String> data = Arrays.stream(body.split("\n"))
			.filter(line -> line.startsWith("data: "))
			.map(line -> line.substring(6))
			.toList();
		assertThat(data.getLast()).isEqualTo("[DONE]");
		StringBuilder streamed = new StringBuilder();
		String finishReason = null;
		for (String chunk : data.subList(0, data.size() - 1)) {
			JsonNode node = json.readTree(chunk);
			assertThat(node.path("object").asString("")).isEqualTo("chat.completion.chunk");
			JsonNode choice = node.path("choices").get(0);
			streamed.append(choice.path("delta").path("content").asString(""));
			if (choice.path("finish_reason").isString()) {
				finishReason = choice.path("finish_reason").asString();
			}
		}
		assertThat(finishReason).isEqualTo("stop");
		assertThat(streamed.toString()).isEqualTo(content(post("/v1/chat/completions", request("Stream this answer please", false))));
	}

	@Test
	void listsItsModel() {
		JsonNode models = json.readTree(get("/v1/models"));

		assertThat(models.path("object").asString("")).isEqualTo("list");
		assertThat(models.path("data").get(0).path("id").asString("")).isEqualTo(LlmSimulator.MODEL);
	}

	@Test
	void rejectsABodyThatIsNotJsonWithAnOpenAiError() {
		var response = http.post()
			.uri("/v1/chat/completions")
			.send(ByteBufFlux.fromString(Mono.just("{not json")))
			.responseSingle((head, body) -> body.asString().map(text -> head.status().code() + " " + text))
			.block(Duration.ofSeconds(10));

		assertThat(response).startsWith("400 ").contains("\"invalid_request_error\"");
	}

	@Test
	void reportsStats() {
		post("/v1/chat/completions", request("count me", false));

		JsonNode stats = json.readTree(get("/stats"));

		assertThat(stats.path("requests").asLong(0)).isPositive();
		assertThat(stats.path("maxInFlight").asInt(0)).isPositive();
		assertThat(stats.path("inFlight").isInt()).isTrue();
	}

	static String request(String userMessage, boolean stream) {
		var root = json.createObjectNode();
		root.put("model", "gpt-test");
		var messages = root.putArray("messages");
		messages.addObject().put("role", "system").put("content", "You summarise.");
		messages.addObject().put("role", "user").put("content", userMessage);
		root.put("stream", stream);
		return json.writeValueAsString(root);
	}

	private static String content(String completion) {
		return json.readTree(completion).path("choices").get(0).path("message").path("content").asString();
	}

	private static String post(String path, String body) {
		return http.headers(headers -> headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json"))
			.post()
			.uri(path)
			.send(ByteBufFlux.fromString(Mono.just(body)))
			.responseSingle((head, content) -> content.asString())
			.block(Duration.ofSeconds(10));
	}

	private static String get(String path) {
		return http.get().uri(path).responseSingle((head, content) -> content.asString()).block(Duration.ofSeconds(10));
	}
}
