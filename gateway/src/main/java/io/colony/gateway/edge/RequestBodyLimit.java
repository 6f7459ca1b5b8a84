package io.colony.gateway.edge;

import io.colony.gateway.problem.ProblemWriter;
import io.colony.gateway.problem.Problems;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Caps every request body at {@code colony.gateway.max-body-size}, on every route, before authentication: a declared
 * {@code Content-Length} over the cap is a 413 problem at once (nothing is read), and a body sent without one
 * (chunked) fails with a {@code DataBufferLimitException}, also a 413, as soon as the bytes read exceed the cap.
 * Webhook routes ({@code /webhooks/**}) are left to their own cap: GitHub sends deliveries of up to 25 MB, and the
 * webhook reads its raw body itself, bounded by {@code colony.gateway.github.max-body-size}.
 */
final class RequestBodyLimit implements WebFilter, Ordered {

	static final String OWN_CAP_PREFIX = "/webhooks/";

	/** Before Spring Security's chain (-100): an oversize body is refused whoever sends it. */
	static final int ORDER = -200;

	private final long maxBytes;

	private final ProblemWriter problems;

	RequestBodyLimit(long maxBytes, ProblemWriter problems) {
		this.maxBytes = maxBytes;
		this.problems = problems;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		if (request.getPath().pathWithinApplication().value().startsWith(OWN_CAP_PREFIX)) {
			return chain.filter(exchange);
		}
		if (request.getHeaders().getContentLength() > maxBytes) {
			return problems.write(exchange, Problems.payloadTooLarge(detail()));
		}
		return chain.filter(exchange.mutate().request(new Capped(request)).build());
	}

	private String detail() {
		return "a request body may be at most " + maxBytes + " bytes";
	}

	private final class Capped extends ServerHttpRequestDecorator {

		Capped(ServerHttpRequest delegate) {
			super(delegate);
		}

		@Override
		public Flux<DataBuffer> getBody() {
			return Flux.defer(() -> {
				AtomicLong read = new AtomicLong();
				return super.getBody().map(buffer -> {
					if (read.addAndGet(buffer.readableByteCount()) > maxBytes) {
						DataBufferUtils.release(buffer);
						throw new DataBufferLimitException(detail());
					}
					return buffer;
				});
			});
		}
	}
}
