package io.colony.gateway.problem;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.PayloadTooLargeException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

import java.util.stream.Collectors;

/**
 * Renders every error that reaches the web layer (unknown paths, wrong methods, oversize bodies, failures of
 * controllers and filters) as a problem document. Runs before Spring Boot's own error handler. A failure the
 * gateway did not anticipate is logged with its stack trace and answered with a bare {@code 500}.
 */
@Component
@Order(-2)
public class ProblemExceptionHandler implements WebExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);

	private final ProblemWriter writer;

	public ProblemExceptionHandler(ProblemWriter writer) {
		this.writer = writer;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
		if (exchange.getResponse().isCommitted()) {
			return Mono.error(error);
		}
		return writer.write(exchange, translate(exchange, error));
	}

	ProblemException translate(ServerWebExchange exchange, Throwable error) {
		if (error instanceof ProblemException problem) {
			return problem;
		}
		if (causedBy(error, DataBufferLimitException.class) || error instanceof PayloadTooLargeException) {
			return Problems.payloadTooLarge("the request body is larger than this endpoint accepts");
		}
		if (error instanceof MethodNotAllowedException notAllowed) {
			ProblemException problem = new ProblemException(HttpStatus.METHOD_NOT_ALLOWED, "method-not-allowed",
					exchange.getRequest().getMethod() + " is not supported here; allowed: "
							+ notAllowed.getSupportedMethods().stream().map(Object::toString).sorted()
								.collect(Collectors.joining(", ")));
			HttpHeaders allow = notAllowed.getHeaders();
			allow.forEach((name, values) -> problem.header(name, String.join(", ", values)));
			return problem;
		}
		if (error instanceof UnsupportedMediaTypeStatusException unsupported) {
			return new ProblemException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
					"Content-Type " + (unsupported.getContentType() == null ? "(none)" : unsupported.getContentType())
							+ " is not supported here; use " + unsupported.getSupportedMediaTypes());
		}
		if (error instanceof NotAcceptableStatusException notAcceptable) {
			return new ProblemException(HttpStatus.NOT_ACCEPTABLE, "not-acceptable",
					"cannot answer in the requested media type; available: " + notAcceptable.getSupportedMediaTypes());
		}
		if (error instanceof ServerWebInputException input) {
			return new ProblemException(HttpStatus.BAD_REQUEST, "invalid-request",
					input.getReason() == null ? "the request is not valid" : input.getReason());
		}
		if (error instanceof AuthenticationException) {
			return new ProblemException(HttpStatus.UNAUTHORIZED, "unauthorized", "a valid bearer token is required");
		}
		if (error instanceof AccessDeniedException) {
			return new ProblemException(HttpStatus.FORBIDDEN, "forbidden", "the token does not grant this operation");
		}
		if (error instanceof ErrorResponse response && response.getStatusCode().is4xxClientError()) {
			return fromStatus(exchange, response.getStatusCode());
		}
		log.error("unexpected failure on {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(),
				error);
		return new ProblemException(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error",
				"the gateway failed unexpectedly; the failure has been logged");
	}

	private static ProblemException fromStatus(ServerWebExchange exchange, HttpStatusCode status) {
		if (status.value() == 404) {
			return new ProblemException(HttpStatus.NOT_FOUND, "not-found",
					"nothing is served at " + exchange.getRequest().getPath().value());
		}
		HttpStatus known = HttpStatus.resolve(status.value());
		String title = known == null ? "Error" : known.getReasonPhrase();
		return new ProblemException(status, Problems.slug(status), title, title);
	}

	private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
		for (Throwable current = error; current != null; current = current.getCause()) {
			if (type.isInstance(current)) {
				return true;
			}
			if (current.getCause() == current) {
				break;
			}
		}
		return false;
	}
}
