package io.colony.gateway.upstream;

import io.colony.gateway.problem.ProblemException;
import io.colony.gateway.problem.Problems;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;

/**
 * Reads a request body that the gateway passes on to an upstream: completely and at most {@code maxBytes} before
 * anything is sent (a larger declared or streamed body is a 413), as {@code application/json} (415 otherwise), so that
 * an oversize or non-JSON body never reaches the service behind.
 */
public final class JsonBodies {

	private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);

	private JsonBodies() {
	}

	/**
	 * @param what what the body is, for the problems' details ("a decision", "an agent request")
	 * @param emptyAsObject whether an empty body (any content type) goes on as {@code {}}; otherwise the content type
	 * must be JSON and the empty body goes on as it is, for the upstream to refuse
	 */
	public static Mono<byte[]> read(ServerHttpRequest request, int maxBytes, String what, boolean emptyAsObject) {
		if (!emptyAsObject) {
			requireJson(request, what);
		}
		if (request.getHeaders().getContentLength() > maxBytes) {
			throw tooLarge(what, maxBytes);
		}
		return DataBufferUtils.join(request.getBody(), maxBytes)
			.onErrorMap(DataBufferLimitException.class, ex -> tooLarge(what, maxBytes))
			.map(JsonBodies::bytes)
			.defaultIfEmpty(new byte[0])
			.map(body -> {
				if (body.length > 0 && emptyAsObject) {
					requireJson(request, what);
				}
				return body.length == 0 && emptyAsObject ? EMPTY_OBJECT : body;
			});
	}

	private static void requireJson(ServerHttpRequest request, String what) {
		MediaType contentType;
		try {
			contentType = request.getHeaders().getContentType();
		}
		catch (InvalidMediaTypeException ex) {
			contentType = null;
		}
		if (contentType == null || !MediaType.APPLICATION_JSON.isCompatibleWith(contentType)) {
			throw new ProblemException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
					what + " must be sent as application/json, not "
							+ (contentType == null ? "without a valid Content-Type" : contentType.toString()))
				.header("Accept-Post", MediaType.APPLICATION_JSON_VALUE);
		}
	}

	private static ProblemException tooLarge(String what, int maxBytes) {
		return Problems.payloadTooLarge(what + " body may be at most " + maxBytes + " bytes");
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
}
