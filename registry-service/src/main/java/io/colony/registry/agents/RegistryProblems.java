package io.colony.registry.agents;

import io.colony.platform.messaging.PublishFailed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The registry API's failures as RFC 9457 problems. */
@RestControllerAdvice(assignableTypes = { AgentRegistryController.class, AgentKeyController.class })
class RegistryProblems {

	private static final Logger log = LoggerFactory.getLogger(RegistryProblems.class);

	@ExceptionHandler
	ProblemDetail invalidQuery(InvalidAgentQuery ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
		problem.setTitle("Invalid registry query");
		return problem;
	}

	@ExceptionHandler
	ProblemDetail agentNotFound(AgentNotFound ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
		problem.setTitle("Agent not found");
		return problem;
	}

	@ExceptionHandler
	ProblemDetail keyNotFound(AgentKeyNotFound ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
		problem.setTitle("Agent key not found");
		return problem;
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> consulUnavailable(ConsulUnavailable ex) {
		log.warn("Consul failed a registry request: {}", ex.getMessage());
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
				"the registry's Consul backend is not answering; retry shortly");
		problem.setTitle("Registry backend unavailable");
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5").body(problem);
	}

	/** Nothing was changed: the caller may retry the same request. */
	@ExceptionHandler
	ResponseEntity<ProblemDetail> notPublished(PublishFailed ex) {
		log.warn("registry event not published: {}", ex.getMessage());
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
				"the registry could not announce the change to the mesh; nothing was changed, retry shortly");
		problem.setTitle("Registry event not published");
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5").body(problem);
	}
}
