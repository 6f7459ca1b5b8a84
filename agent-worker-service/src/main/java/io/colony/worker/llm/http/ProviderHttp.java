package io.colony.worker.llm.http;

import io.colony.worker.llm.ProviderException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Posts one JSON request to an LLM provider and reads its one JSON answer, without a thread per call: the
 * exchange runs on Reactor Netty's event loops, over a connection pool of this provider's own that lets
 * calls beyond {@code maxConnections} wait for a connection as queued objects rather than fail.
 *
 * <p>Contract of {@link #post}: a 2xx answer is parsed and handed to the reader; any other status fails with
 * a {@link ProviderException} carrying the status and the parsed {@code Retry-After}, whose message names
 * the provider and status only (the body, which may quote the prompt or the key, is discarded unread); a
 * 2xx body that is not JSON, or not of the reader's shape, or larger than {@code maxResponseSize}, fails
 * with {@link ProviderException#MALFORMED_RESPONSE}; a call not answered within {@code timeout} fails with
 * {@link java.util.concurrent.TimeoutException} and its connection is closed; connection failures propagate
 * as Spring's {@code WebClientRequestException} around the {@code IOException}. Nothing is retried here:
 * the caller applies back-pressure and the mesh retries attempts.
 */
public final class ProviderHttp implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Idle pooled connections are closed before a provider's load balancer would close them under us. */
	private static final Duration MAX_IDLE = Duration.ofSeconds(20);

	private final String provider;

	private final Duration timeout;

	private final DataSize maxResponseSize;

	private final ConnectionProvider connections;

	private final WebClient webClient;

	private final Clock clock;

	/**
	 * @param provider the provider's name in errors, e.g. {@code "openai"}
	 * @param baseUrl what request paths are appended to
	 * @param webClient a builder to copy (it is not changed), e.g. Spring Boot's, which brings tracing
	 * @param timeout the longest one call may take, waiting for a connection included
	 * @param maxResponseSize the largest answer body read
	 * @param maxConnections connections open at once to this provider; further calls queue for one
	 */
	public ProviderHttp(String provider, String baseUrl, WebClient.Builder webClient, Duration timeout,
			DataSize maxResponseSize, int maxConnections) {
		this.provider = provider;
		this.timeout = timeout;
		this.maxResponseSize = maxResponseSize;
		this.clock = Clock.systemUTC();
		this.connections = ConnectionProvider.builder("colony-llm-" + provider)
			.maxConnections(maxConnections)
			.pendingAcquireMaxCount(-1)
			.pendingAcquireTimeout(timeout)
			.maxIdleTime(MAX_IDLE)
			.build();
		this.webClient = webClient.clone()
			.baseUrl(baseUrl)
			.clientConnector(new ReactorClientHttpConnector(HttpClient.create(connections)))
			.codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(Math.toIntExact(maxResponseSize.toBytes())))
			.build();
	}

	/**
	 * One call; nothing is sent until the returned {@link Mono} is subscribed, and cancelling it closes the
	 * connection.
	 *
	 * @param path appended to the base URL, e.g. {@code /chat/completions}
	 * @param headers adds the provider's authentication and version headers
	 * @param body the request, already in the provider's JSON
	 * @param reader turns the answer's JSON into the result; throws {@link UnexpectedJson} for another shape
	 */
	public <T> Mono<T> post(String path, Consumer<HttpHeaders> headers, JsonNode body, Function<JsonNode, T> reader) {
		return Mono.defer(() -> webClient.post()
			.uri(path)
			.headers(headers)
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.APPLICATION_JSON)
			.bodyValue(JSON.writeValueAsBytes(body))
			.exchangeToMono(this::answerBody))
			.map(bytes -> read(bytes, reader))
			.timeout(timeout);
	}

	/** Releases the connection pool; calls still open fail. */
	@Override
	public void close() {
		connections.dispose();
	}

	private Mono<byte[]> answerBody(ClientResponse response) {
		int status = response.statusCode().value();
		if (!response.statusCode().is2xxSuccessful()) {
			Duration retryAfter = RetryAfter.parse(response.headers().asHttpHeaders().getFirst(HttpHeaders.RETRY_AFTER),
					clock);
			ProviderException error = new ProviderException(provider, status, retryAfter,
					provider + " answered HTTP " + status);
			return response.releaseBody().then(Mono.error(error));
		}
		return response.bodyToMono(byte[].class)
			.onErrorMap(DataBufferLimitException.class,
					tooLarge -> malformed("an answer larger than " + maxResponseSize))
			.switchIfEmpty(Mono.error(() -> malformed("an empty answer")));
	}

	private <T> T read(byte[] bytes, Function<JsonNode, T> reader) {
		JsonNode json;
		try {
			json = JSON.readTree(bytes);
		}
		catch (JacksonException notJson) {
			throw malformed("malformed JSON");
		}
		if (json == null || !json.isObject()) {
			throw malformed("JSON that is not an object");
		}
		try {
			return reader.apply(json);
		}
		catch (UnexpectedJson unexpected) {
			throw malformed("unexpected JSON (" + unexpected.getMessage() + ")");
		}
	}

	private ProviderException malformed(String what) {
		return new ProviderException(provider, ProviderException.MALFORMED_RESPONSE, null,
				provider + " answered " + what);
	}
}
