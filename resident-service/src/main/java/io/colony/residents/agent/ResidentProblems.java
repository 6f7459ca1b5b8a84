package io.colony.residents.agent;

import io.colony.residents.timer.TimerNotFound;
import io.colony.residents.timer.TooManyTimers;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import java.net.URI;

/** The resident API's failures as RFC 9457 problems, {@code type} {@code urn:colony:problem:<slug>}. */
@RestControllerAdvice(basePackages = "io.colony.residents")
@Order(Ordered.HIGHEST_PRECEDENCE)
class ResidentProblems {

	@ExceptionHandler
	ResponseEntity<ProblemDetail> invalid(InvalidRequest ex) {
		return problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException ex) {
		return problem(HttpStatus.BAD_REQUEST, "malformed-request", "Malformed request",
				"the body is not valid JSON of the expected shape");
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> unsupportedMediaType(HttpMediaTypeNotSupportedException ex) {
		return problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "Unsupported media type",
				"send application/json");
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> notFound(AgentNotFound ex) {
		return problem(HttpStatus.NOT_FOUND, "agent-not-found", "Agent not found", ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> exists(AgentExists ex) {
		ResponseEntity<ProblemDetail> response = problem(HttpStatus.CONFLICT, "agent-exists", "Agent exists",
				ex.getMessage());
		response.getBody().setProperty("ids", ex.ids());
		return response;
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> timerNotFound(TimerNotFound ex) {
		return problem(HttpStatus.NOT_FOUND, "timer-not-found", "Timer not found", ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> tooManyTimers(TooManyTimers ex) {
		return problem(HttpStatus.CONFLICT, "too-many-timers", "Too many timers", ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> mailboxUnavailable(MailboxUnavailable ex) {
		ResponseEntity<ProblemDetail> response = problem(HttpStatus.SERVICE_UNAVAILABLE, "mailbox-unavailable",
				"Mailbox unavailable", "the message could not be queued for the agent; nothing was sent, retry shortly");
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(org.springframework.http.HttpHeaders.RETRY_AFTER, "2")
			.body(response.getBody());
	}

	static ResponseEntity<ProblemDetail> problem(HttpStatus status, String slug, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create("urn:colony:problem:" + slug));
		problem.setTitle(title);
		return ResponseEntity.status(status).body(problem);
	}
}
