package io.colony.benchmarks.llm;

import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OpenAI-compatible chat completions endpoint that answers after a fixed latency. Waiting is a timer
 * ({@link Mono#delay}), never a blocked thread, so one small process holds tens of thousands of requests in
 * flight; that is what lets a benchmark measure the mesh rather than the model.
 *
 * <p>Serves {@code POST /v1/chat/completions} (JSON, or SSE chunks with {@code "stream": true}),
 * {@code GET /v1/models} and {@code GET /stats}. The same paths without {@code /v1} work too, for clients whose
 * base URL already ends in {@code /v1}.
 */
public final class LlmSimulator implements AutoCloseable {

	public static final String MODEL = "colony-sim";

	private static final JsonMapper json = JsonMapper.builder().build();

	private final Duration latency;

	private final AtomicLong served = new AtomicLong();

	private final AtomicLong sequence = new AtomicLong();

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger maxInFlight = new AtomicInteger();

	/** When each request arrived (milliseconds since start), for checking rate limits from the provider's side. */
	private final java.util.concurrent.ConcurrentLinkedQueue<Long> arrivals = new java.util.concurrent.ConcurrentLinkedQueue<>();

	private final long startedNanos = System.nanoTime();

	/** Open unless {@link #hold()} closed it: answers wait for it before their latency starts. */
	private final java.util.concurrent.atomic.AtomicReference<Mono<Void>> gate = new java.util.concurrent.atomic.AtomicReference<>(Mono.empty());

	private volatile reactor.core.publisher.Sinks.Empty<Void> held;

	private final DisposableServer server;

	private LlmSimulator(String host, int port, Duration latency) {
		this.latency = latency;
		this.server = HttpServer.create()
			.host(host)
			.port(port)
			// Thousands of clients connect at once at the start of a fan-out; the kernel caps this at somaxconn.
			.option(ChannelOption.SO_BACKLOG, 65_535)
			.option(ChannelOption.SO_REUSEADDR, true)
			.childOption(ChannelOption.TCP_NODELAY, true)
			.route(routes -> routes.post("/v1/chat/completions", this::chatCompletions)
				.post("/chat/completions", this::chatCompletions)
				.get("/v1/models", this::models)
				.get("/models", this::models)
				.get("/stats", this::stats))
			.bindNow(Duration.ofSeconds(10));
	}

	/** @param port 0 for any free port */
	public static LlmSimulator start(String host, int port, Duration latency) {
		return new LlmSimulator(host, port, latency);
	}

	public int port() {
		return server.port();
	}

	public String baseUrl() {
		return "http://" + server.host() + ":" + server.port();
	}

	public Duration latency() {
		return latency;
	}

	public Stats stats() {
		return new Stats(served.get(), inFlight.get(), maxInFlight.get());
	}

	/**
	 * The most requests that arrived within any {@code window}, sliding over every arrival so far.
	 */
	public int maxArrivalsWithin(Duration window) {
		long[] times = arrivals.stream().mapToLong(Long::longValue).sorted().toArray();
		long width = window.toMillis();
		int most = 0;
		int first = 0;
		for (int last = 0; last < times.length; last++) {
			while (times[last] - times[first] >= width) {
				first++;
			}
			most = Math.max(most, last - first + 1);
		}
		return most;
	}

	/**
	 * Holds every answer, new and waiting, until {@link #release()}: lets a benchmark see how many calls a client
	 * keeps open at once, free of how fast it can start them.
	 */
	public synchronized void hold() {
		reactor.core.publisher.Sinks.Empty<Void> sink = reactor.core.publisher.Sinks.empty();
		held = sink;
		gate.set(sink.asMono());
	}

	/** Lets held answers go, each after the usual latency. */
	public synchronized void release() {
		gate.set(Mono.empty());
		if (held != null) {
			held.tryEmitEmpty();
			held = null;
		}
	}

	/** Starts counting requests and the in-flight maximum afresh (for measuring one round of load). */
	public void resetStats() {
		arrivals.clear();
		served.set(0);
		maxInFlight.set(inFlight.get());
	}

	/** Blocks until the server is closed. */
	public void awaitClose() {
		server.onDispose().block();
	}

	@Override
	public void close() {
		server.disposeNow(Duration.ofSeconds(5));
	}

	/** Requests answered, requests waiting now, and the most that were ever waiting at once. */
	public record Stats(long requests, int inFlight, int maxInFlight) {
	}

	private Publisher<Void> chatCompletions(HttpServerRequest request, HttpServerResponse response) {
		return request.receive()
			.aggregate()
			.asByteArray()
			.defaultIfEmpty(new byte[0])
			.flatMap(body -> {
				ChatRequest chat;
				try {
					chat = ChatRequest.parse(json, body);
				}
				catch (InvalidRequest ex) {
					return error(response, ex.getMessage());
				}
				return answer(chat, response);
			});
	}

	private Mono<Void> answer(ChatRequest chat, HttpServerResponse response) {
		arrivals.add((System.nanoTime() - startedNanos) / 1_000_000);
		String content = SimulatedAnswers.answer(chat.lastUserMessage());
		String id = "chatcmpl-sim-" + sequence.incrementAndGet();
		long created = System.currentTimeMillis() / 1000;
		int promptTokens = chat.promptTokens();
		int completionTokens = SimulatedAnswers.tokens(content);
		Mono<Void> reply = chat.stream()
				? response.header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
					.header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
					.sendString(Flux.fromIterable(
							streamEvents(id, created, chat, content, promptTokens, completionTokens)))
					.then()
				: response.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
					.sendString(Mono.just(json.writeValueAsString(
							completion(id, created, chat.model(), content, promptTokens, completionTokens))))
					.then();
		return gate.get()
			.then(Mono.delay(latency))
			.then(reply)
			.doOnSubscribe(subscription -> maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max))
			.doFinally(signal -> {
				inFlight.decrementAndGet();
				served.incrementAndGet();
			});
	}

	private static ObjectNode completion(String id, long created, String model, String content, int promptTokens,
			int completionTokens) {
		ObjectNode root = json.createObjectNode();
		root.put("id", id);
		root.put("object", "chat.completion");
		root.put("created", created);
		root.put("model", model);
		ObjectNode choice = root.putArray("choices").addObject();
		choice.put("index", 0);
		ObjectNode message = choice.putObject("message");
		message.put("role", "assistant");
		message.put("content", content);
		message.putNull("refusal");
		choice.putNull("logprobs");
		choice.put("finish_reason", "stop");
		root.set("usage", usage(promptTokens, completionTokens));
		return root;
	}

	private static List<String> streamEvents(String id, long created, ChatRequest chat, String content,
			int promptTokens, int completionTokens) {
		List<String> events = new ArrayList<>();
		ObjectNode first = chunk(id, created, chat.model());
		ObjectNode firstDelta = ((ObjectNode) first.get("choices").get(0)).putObject("delta");
		firstDelta.put("role", "assistant");
		firstDelta.put("content", "");
		events.add(sse(first));
		for (String piece : SimulatedAnswers.pieces(content)) {
			ObjectNode chunk = chunk(id, created, chat.model());
			((ObjectNode) chunk.get("choices").get(0)).putObject("delta").put("content", piece);
			events.add(sse(chunk));
		}
		ObjectNode last = chunk(id, created, chat.model());
		ObjectNode lastChoice = (ObjectNode) last.get("choices").get(0);
		lastChoice.putObject("delta");
		lastChoice.put("finish_reason", "stop");
		if (!chat.includeUsageInStream()) {
			last.set("usage", usage(promptTokens, completionTokens));
		}
		events.add(sse(last));
		if (chat.includeUsageInStream()) {
			ObjectNode usage = chunk(id, created, chat.model());
			usage.putArray("choices");
			usage.set("usage", usage(promptTokens, completionTokens));
			events.add(sse(usage));
		}
		events.add("data: [DONE]\n\n");
		return events;
	}

	private static ObjectNode chunk(String id, long created, String model) {
		ObjectNode root = json.createObjectNode();
		root.put("id", id);
		root.put("object", "chat.completion.chunk");
		root.put("created", created);
		root.put("model", model);
		ArrayNode choices = root.putArray("choices");
		ObjectNode choice = choices.addObject();
		choice.put("index", 0);
		choice.putNull("logprobs");
		choice.putNull("finish_reason");
		return root;
	}

	private static String sse(JsonNode data) {
		return "data: " + json.writeValueAsString(data) + "\n\n";
	}

	private static ObjectNode usage(int promptTokens, int completionTokens) {
		ObjectNode usage = json.createObjectNode();
		usage.put("prompt_tokens", promptTokens);
		usage.put("completion_tokens", completionTokens);
		usage.put("total_tokens", promptTokens + completionTokens);
		return usage;
	}

	private Mono<Void> error(HttpServerResponse response, String message) {
		ObjectNode root = json.createObjectNode();
		ObjectNode error = root.putObject("error");
		error.put("message", message);
		error.put("type", "invalid_request_error");
		error.putNull("param");
		error.putNull("code");
		return response.status(HttpResponseStatus.BAD_REQUEST)
			.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
			.sendString(Mono.just(json.writeValueAsString(root)))
			.then();
	}

	private Publisher<Void> models(HttpServerRequest request, HttpServerResponse response) {
		ObjectNode root = json.createObjectNode();
		root.put("object", "list");
		ObjectNode model = root.putArray("data").addObject();
		model.put("id", MODEL);
		model.put("object", "model");
		model.put("created", 1_700_000_000L);
		model.put("owned_by", "colony");
		return response.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
			.sendString(Mono.just(json.writeValueAsString(root)));
	}

	private Publisher<Void> stats(HttpServerRequest request, HttpServerResponse response) {
		Stats stats = stats();
		ObjectNode root = json.createObjectNode();
		root.put("requests", stats.requests());
		root.put("inFlight", stats.inFlight());
		root.put("maxInFlight", stats.maxInFlight());
		root.put("latencyMs", latency.toMillis());
		return response.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
			.sendString(Mono.just(json.writeValueAsString(root)));
	}

	static final class InvalidRequest extends RuntimeException {

		InvalidRequest(String message) {
			super(message);
		}
	}

	/** The parts of a chat completion request the simulator reads; everything else is ignored, as OpenAI does. */
	record ChatRequest(String model, String lastUserMessage, int promptTokens, boolean stream,
			boolean includeUsageInStream) {

		static ChatRequest parse(JsonMapper json, byte[] body) {
			JsonNode root;
			try {
				root = json.readTree(body);
			}
			catch (JacksonException ex) {
				throw new InvalidRequest("request body is not valid JSON");
			}
			if (root == null || !root.isObject()) {
				throw new InvalidRequest("request body must be a JSON object");
			}
			JsonNode messages = root.path("messages");
			if (!messages.isArray() || messages.isEmpty()) {
				throw new InvalidRequest("'messages' must be a non-empty array");
			}
			String lastUser = null;
			int promptTokens = 0;
			for (JsonNode message : messages) {
				String content = text(message.path("content"));
				promptTokens += SimulatedAnswers.tokens(content) + 4;
				if ("user".equals(message.path("role").asString(""))) {
					lastUser = content;
				}
			}
			String model = root.path("model").asString("");
			return new ChatRequest(model.isBlank() ? MODEL : model, lastUser, promptTokens,
					root.path("stream").asBoolean(false),
					root.path("stream_options").path("include_usage").asBoolean(false));
		}

		/** Content is a string or, in newer clients, an array of parts of which the text parts count. */
		private static String text(JsonNode content) {
			if (content.isString()) {
				return content.stringValue();
			}
			if (content.isArray()) {
				StringBuilder text = new StringBuilder();
				for (JsonNode part : content) {
					if (part.isString()) {
						text.append(part.stringValue());
					}
					else if ("text".equals(part.path("type").asString(""))) {
						text.append(part.path("text").asString(""));
					}
				}
				return text.toString();
			}
			return "";
		}
	}
}
