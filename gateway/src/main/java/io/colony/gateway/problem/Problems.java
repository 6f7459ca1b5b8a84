package io.colony.gateway.problem;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;

/** Problems more than one feature raises. */
public final class Problems {

	private Problems() {
	}

	public static ProblemException payloadTooLarge(String detail) {
		return new ProblemException(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "Payload Too Large", detail);
	}

	public static ProblemException badRequest(String problem, String field, String detail) {
		return new ProblemException(HttpStatus.BAD_REQUEST, problem, detail).property("field", field);
	}

	/** A slug for a bare status, used when nothing more specific is known. */
	public static String slug(HttpStatusCode status) {
		return switch (status.value()) {
			case 400 -> "bad-request";
			case 401 -> "unauthorized";
			case 403 -> "forbidden";
			case 404 -> "not-found";
			case 405 -> "method-not-allowed";
			case 406 -> "not-acceptable";
			case 409 -> "conflict";
			case 413 -> "payload-too-large";
			case 415 -> "unsupported-media-type";
			case 422 -> "unprocessable-content";
			case 429 -> "too-many-requests";
			case 502 -> "bad-gateway";
			case 503 -> "service-unavailable";
			case 504 -> "gateway-timeout";
			default -> status.is4xxClientError() ? "client-error" : "server-error";
		};
	}
}
