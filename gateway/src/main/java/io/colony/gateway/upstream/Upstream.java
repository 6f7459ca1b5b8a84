package io.colony.gateway.upstream;

import io.colony.gateway.problem.ProblemException;
import io.colony.gateway.problem.Problems;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.concurrent.TimeoutException;

/**
 * One upstream service the gateway queries over HTTP. Failures become problems naming the service: the
 * upstream's own 4xx keeps its status, a 5xx is a {@code 502}, and an unreachable or silent service a
 * {@code 503} with {@code Retry-After}.
 */
public final class Upstream {

	public static final String TENANT_HEADER = "X-Colony-Tenant";

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

	/** Streams a successful JSON response through as it is; maps failures as described above. */
	public Mono<ResponseEntity<Flux<DataBuffer>>> passThrough(WebClient.RequestHeadersSpec<?> request) {
		return request.retrieve()
			.onStatus(HttpStatusCode::isError, this::failure)
			.toEntityFlux(DataBuffer.class)
			.map(entity -> ResponseEntity.status(entity.getStatusCode())
				.contentType(entity.getHeaders().getContentType() == null ? MediaType.APPLICATION_JSON
						: entity.getHeaders().getContentType())
				.body(entity.getBody()))
			.onErrorMap(this::unavailable);
	}

	/** The problem for an upstream's error response. */
	public Mono<Throwable> failure(ClientResponse response) {
		HttpStatusCode status = response.statusCode();
		return response.releaseBody().then(Mono.fromSupplier(() -> {
			if (status.is4xxClientError()) {
				return new ProblemException(status, Problems.slug(status), "Upstream refused the query",
						name + " refused the query (" + status.value() + ")");
			}
			return new ProblemException(HttpStatus.BAD_GATEWAY, "upstream-failed",
					name + " failed to answer (" + status.value() + ")");
		}));
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
