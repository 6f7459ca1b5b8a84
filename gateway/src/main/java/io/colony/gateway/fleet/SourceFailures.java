package io.colony.gateway.fleet;

import io.colony.platform.messaging.UndecodableMessage;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Why a source of the fleet view could not be read, in one line for an operator. Names the source and what went
 * wrong (not reachable, too slow, its status, an answer that could not be read); never the source's body, which
 * may describe its internals, nor anything sent to it.
 */
final class SourceFailures {

	private SourceFailures() {
	}

	static String describe(String source, Throwable error, Duration timeout) {
		// a timeout first, wherever it is: the HTTP client reports its own as a failed request
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			if (cause instanceof TimeoutException || cause instanceof io.netty.handler.timeout.TimeoutException) {
				return source + " did not answer within " + millis(timeout);
			}
		}
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			if (cause instanceof WebClientResponseException response) {
				return source + " answered " + response.getStatusCode().value();
			}
			if (cause instanceof DataBufferLimitException) {
				return source + " sent an answer larger than colony.gateway.fleet.max-response-size";
			}
			if (cause instanceof UndecodableMessage) {
				return source + " sent an answer that could not be read";
			}
			if (cause instanceof WebClientRequestException request) {
				return source + " is not reachable at " + request.getUri().resolve("/");
			}
		}
		return source + " could not be read (" + error.getClass().getSimpleName() + ")";
	}

	private static String millis(Duration timeout) {
		return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
	}
}
