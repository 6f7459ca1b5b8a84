package io.colony.gateway.upstream;

import io.colony.gateway.problem.ProblemException;
import io.colony.gateway.problem.Problems;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.OptionalLong;
import java.util.concurrent.TimeoutException;

/**
 * One upstream service the gateway queries over HTTP. Failures become problems naming the service: the
 * upstream's own 4xx keeps its status (and its problem document, when it sends one), a 5xx is a {@code 502}, and
 * an unreachable or silent service a {@code 503} with {@code Retry-After}.
 */
public final class Upstream {

	public static final String TENANT_HEADER = "X-Colony-Tenant";

	/** The largest upstream problem document relayed to the client; a larger one is answered generically. */
	public static final int MAX_PROBLEM_BYTES = 16 * 1024;

	private final String name;

	private final WebClient client;

	Upstream(String name, WebClient client) {
		this.name = name;
		this.client = client;
	}

	public String name() {
		return name;
	}

	public WebClient client() {
		return client;
	}

	/**
	 * Streams a successful JSON response through as it is (a {@code 204} without a content type); maps failures as
	 * described above.
	 */
	public Mono<ResponseEntity<Flux<DataBuffer>>> passThrough(WebClient.RequestHeadersSpec<?> request) {
		return request.retrieve()
			.onStatus(HttpStatusCode::isError, this::failure)
			.toEntityFlux(DataBuffer.class)
			.map(entity -> entity.getStatusCode().value() == 204
					? ResponseEntity.status(entity.getStatusCode()).body(entity.getBody())
					: ResponseEntity.status(entity.getStatusCode())
						.contentType(entity.getHeaders().getContentType() == null ? MediaType.APPLICATION_JSON
								: entity.getHeaders().getContentType())
						.body(entity.getBody()))
			.onErrorMap(this::unavailable);
	}

	/**
	 * The problem for an upstream's error response. A 4xx that comes as an RFC 9457 document
	 * ({@code application/problem+json}, at most {@link #MAX_PROBLEM_BYTES}) reaches the client as the upstream wrote
	 * it: its status, its {@code urn:colony:problem:*} type, title, detail and extension members (the gateway's own
	 * {@code instance}). Any other 4xx keeps only its status; a 5xx is a {@code 502} that says nothing of the
	 * upstream's body, which may describe its internals.
	 */
	public Mono<Throwable> failure(ClientResponse response) {
		HttpStatusCode status = response.statusCode();
		if (status.is4xxClientError() && isProblemDocument(response)) {
			return DataBufferUtils.join(response.body(BodyExtractors.toDataBuffers()), MAX_PROBLEM_BYTES)
				.map(Upstream::bytes)
				.map(body -> UpstreamProblems.relayed(status, body, genericRefusal(status)))
				.onErrorResume(DataBufferLimitException.class, tooLarge -> Mono.just(genericRefusal(status)))
				.defaultIfEmpty(genericRefusal(status))
				.cast(Throwable.class);
		}
		return response.releaseBody().then(Mono.fromSupplier(() -> {
			if (status.is4xxClientError()) {
				return genericRefusal(status);
			}
			return new ProblemException(HttpStatus.BAD_GATEWAY, "upstream-failed",
					name + " failed to answer (" + status.value() + ")");
		}));
	}

	private ProblemException genericRefusal(HttpStatusCode status) {
		return new ProblemException(status, Problems.slug(status), "Upstream refused the query",
				name + " refused the query (" + status.value() + ")");
	}

	private static boolean isProblemDocument(ClientResponse response) {
		MediaType contentType;
		try {
			contentType = response.headers().contentType().orElse(null);
		}
		catch (InvalidMediaTypeException ex) {
			return false;
		}
		OptionalLong length = response.headers().contentLength();
		return contentType != null && MediaType.APPLICATION_PROBLEM_JSON.isCompatibleWith(contentType)
				&& (length.isEmpty() || length.getAsLong() <= MAX_PROBLEM_BYTES);
	}

	private static byte[] bytes(DataBuffer buffer) {
		try {
			byte[] bytes = new byte[buffer.readableByteCount()];
			buffer.read(bytes);
			return bytes;
		}
		finally {
			DataBufferUtils.release(buffer);
		}
	}

	/** Maps transport failures (connection refused, timeout) to a 503; leaves problems as they are. */
	public Throwable unavailable(Throwable error) {
		if (error instanceof ProblemException) {
			return error;
		}
		if (error instanceof WebClientRequestException || error instanceof TimeoutException
				|| error.getCause() instanceof TimeoutException) {
			return new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "upstream-unavailable",
					name + " is not reachable right now; retry shortly")
				.header(HttpHeaders.RETRY_AFTER, "5");
		}
		return error;
	}
}
