package io.colony.worker.llm.standin;

import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A stand-in for an LLM provider's HTTP API on 127.0.0.1 (random port), for tests: it serves one
 * {@code POST} path, records every request (path, headers, JSON body), and answers as the test scripts it,
 * with the body each test writes in the provider's documented format. Another method or path gets a 404.
 *
 * <p>Delayed answers wait on Reactor's timer and unanswered ones on nothing, so the server holds thousands
 * of open requests on Reactor Netty's few event-loop threads.
 */
public final class StandInServer implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final String path;

	private final DisposableServer server;

	private final Queue<Recorded> requests = new ConcurrentLinkedQueue<>();

	private final Queue<Reply> scripted = new ArrayDeque<>();

	private volatile Function<Recorded, Reply> fallback = request -> Reply.status(500, "{\"error\":\"not scripted\"}");

	private final AtomicInteger open = new AtomicInteger();

	private final AtomicInteger peakOpen = new AtomicInteger();

	private StandInServer(String path) {
		this.path = path;
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.option(ChannelOption.SO_BACKLOG, 4096)
			.handle(this::handle)
			.bindNow();
	}

	/** @param path the one path served, e.g. {@code /v1/chat/completions} */
	public static StandInServer serving(String path) {
		return new StandInServer(path);
	}

	/** {@code http://127.0.0.1:<port>} */
	public String url() {
		return "http://127.0.0.1:" + server.port();
	}

	/** The next requests get these replies, in order; afterwards, {@link #answerEveryRequest}'s. */
	public synchronized StandInServer reply(Reply... replies) {
		scripted.addAll(List.of(replies));
		return this;
	}

	/** Every request not matched by {@link #reply} is answered by {@code answer}. */
	public StandInServer answerEveryRequest(Function<Recorded, Reply> answer) {
		this.fallback = answer;
		return this;
	}

	/** Requests in the order received. */
	public List<Recorded> requests() {
		return List.copyOf(requests);
	}

	/** Requests received and not yet answered (nor given up by the client). */
	public int openNow() {
		return open.get();
	}

	/** The most requests that were open (received, not yet answered) at once. */
	public int peakOpen() {
		return peakOpen.get();
	}

	/** Forgets requests and scripts, for the next test. */
	public synchronized void reset() {
		requests.clear();
		scripted.clear();
		peakOpen.set(0);
		fallback = request -> Reply.status(500, "{\"error\":\"not scripted\"}");
	}

	@Override
	public void close() {
		server.disposeNow(Duration.ofSeconds(5));
	}

	private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		if (!"POST".equals(request.method().name()) || !path.equals(request.uri())) {
			return response.status(HttpResponseStatus.NOT_FOUND).sendString(Mono.just("{\"error\":\"not found\"}")).then();
		}
		return request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("").flatMap(body -> {
			Recorded recorded = new Recorded(request.uri(), headers(request.requestHeaders()), parse(body));
			requests.add(recorded);
			peakOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
			Reply reply = recorded.body() == null ? Reply.status(400, "{\"error\":\"not JSON\"}") : next(recorded);
			return answer(response, reply).doFinally(signal -> open.decrementAndGet());
		});
	}

	private synchronized Reply next(Recorded request) {
		Reply reply = scripted.poll();
		return reply != null ? reply : fallback.apply(request);
	}

	private static Mono<Void> answer(HttpServerResponse response, Reply reply) {
		if (reply.unanswered()) {
			return Mono.never();
		}
		Mono<Void> send = Mono.defer(() -> {
			response.status(reply.status()).header("Content-Type", reply.contentType());
			reply.headers().forEach(response::header);
			return response.sendString(Mono.just(reply.body())).then();
		});
		return reply.delay().isZero() ? send : Mono.delay(reply.delay()).then(send);
	}

	private static Map<String, String> headers(HttpHeaders headers) {
		Map<String, String> copy = new LinkedHashMap<>();
		headers.forEach(entry -> copy.put(entry.getKey().toLowerCase(), entry.getValue()));
		return copy;
	}

	private static JsonNode parse(String body) {
		try {
			return JSON.readTree(body);
		}
		catch (JacksonException notJson) {
			return null;
		}
	}

	/** One request as received; header names in lower case. */
	public record Recorded(String path, Map<String, String> headers, JsonNode body) {

		public String header(String name) {
			return headers.get(name.toLowerCase());
		}
	}

	/**
	 * One scripted answer.
	 *
	 * @param unanswered the server holds the request open and never answers
	 */
	public record Reply(int status, String contentType, Map<String, String> headers, String body, Duration delay,
			boolean unanswered) {

		public static Reply json(String body) {
			return status(200, body);
		}

		public static Reply status(int status, String body) {
			return new Reply(status, "application/json", Map.of(), body, Duration.ZERO, false);
		}

		/** A 200 whose body is valid JSON of more than {@code size} bytes, to test size caps. */
		public static Reply jsonLargerThan(int size) {
			return json("{\"padding\":\"" + "x".repeat(size) + "\"}");
		}

		public static Reply never() {
			return new Reply(200, "application/json", Map.of(), "", Duration.ZERO, true);
		}

		public Reply withHeader(String name, String value) {
			Map<String, String> more = new LinkedHashMap<>(headers);
			more.put(name, value);
			return new Reply(status, contentType, more, body, delay, unanswered);
		}

		public Reply withContentType(String type) {
			return new Reply(status, type, headers, body, delay, unanswered);
		}

		public Reply after(Duration wait) {
			return new Reply(status, contentType, headers, body, wait, unanswered);
		}
	}
}
