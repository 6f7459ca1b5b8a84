package io.colony.gateway.upstream;

import io.colony.gateway.problem.ProblemException;
import org.springframework.http.HttpStatusCode;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads an upstream's RFC 9457 problem document so the gateway can answer with it. What does not look like one
 * (not a JSON object, a type outside {@code urn:colony:problem:}) falls back to the gateway's generic refusal,
 * member by member, so a client always gets a well-formed Colony problem.
 */
final class UpstreamProblems {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,99}");

	/** Members the gateway writes itself ({@code instance} is the gateway's path, {@code status} its own). */
	private static final Set<String> STANDARD = Set.of("type", "title", "status", "detail", "instance");

	/** Members a careless upstream might add that describe its internals rather than the request. */
	private static final Set<String> INTERNAL = Set.of("trace", "stackTrace", "exception");

	private static final int MAX_TITLE_LENGTH = 200;

	private UpstreamProblems() {
	}

	/**
	 * @param status the upstream's HTTP status, which wins over the document's {@code status}
	 * @param fallback the generic refusal, for whatever the document does not say usably
	 */
	static ProblemException relayed(HttpStatusCode status, byte[] body, ProblemException fallback) {
		Map<?, ?> document;
		try {
			if (!(MAPPER.readValue(body, Object.class) instanceof Map<?, ?> map)) {
				return fallback;
			}
			document = map;
		}
		catch (JacksonException ex) {
			return fallback;
		}
		String title = text(document.get("title"));
		String detail = text(document.get("detail"));
		ProblemException problem = new ProblemException(status, slug(document.get("type"), fallback.problem()),
				title == null || title.length() > MAX_TITLE_LENGTH ? fallback.title() : title,
				detail == null ? fallback.detail() : detail);
		document.forEach((name, value) -> {
			if (name instanceof String member && !STANDARD.contains(member) && !INTERNAL.contains(member)) {
				problem.property(member, value);
			}
		});
		return problem;
	}

	private static String slug(Object type, String fallback) {
		String text = text(type);
		if (text != null && text.startsWith(ProblemException.TYPE_PREFIX)) {
			String slug = text.substring(ProblemException.TYPE_PREFIX.length());
			if (SLUG.matcher(slug).matches()) {
				return slug;
			}
		}
		return fallback;
	}

	private static String text(Object value) {
		return value instanceof String text && !text.isBlank() ? text : null;
	}
}
