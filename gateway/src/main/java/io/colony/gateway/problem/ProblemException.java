package io.colony.gateway.problem;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A failure that already knows its RFC 9457 problem document. Thrown anywhere in the gateway and rendered
 * by {@link ProblemExceptionHandler}; carries no stack trace because it describes the request, not a bug.
 */
public class ProblemException extends RuntimeException {

	public static final String TYPE_PREFIX = "urn:colony:problem:";

	private final HttpStatusCode status;

	private final String problem;

	private final String title;

	private final Map<String, Object> properties = new LinkedHashMap<>();

	private final HttpHeaders headers = new HttpHeaders();

	/**
	 * @param problem slug of the problem type; the document's {@code type} is {@code urn:colony:problem:<problem>}
	 * @param detail what is wrong, for the client; never internal state
	 */
	public ProblemException(HttpStatusCode status, String problem, String title, String detail) {
		super(detail, null, false, false);
		this.status = status;
		this.problem = problem;
		this.title = title;
	}

	public ProblemException(HttpStatus status, String problem, String detail) {
		this(status, problem, status.getReasonPhrase(), detail);
	}

	public ProblemException property(String name, Object value) {
		properties.put(name, value);
		return this;
	}

	public ProblemException header(String name, String value) {
		headers.set(name, value);
		return this;
	}

	public HttpStatusCode status() {
		return status;
	}

	public String problem() {
		return problem;
	}

	public String type() {
		return TYPE_PREFIX + problem;
	}

	public String title() {
		return title;
	}

	public String detail() {
		return getMessage();
	}

	public Map<String, Object> properties() {
		return Collections.unmodifiableMap(properties);
	}

	public HttpHeaders headers() {
		return headers;
	}
}
