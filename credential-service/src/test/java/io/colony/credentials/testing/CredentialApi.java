package io.colony.credentials.testing;

import io.colony.platform.messaging.MessageCodec;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;

/** The credential service's HTTP API as tests call it: every answer comes back, whatever its status. */
public final class CredentialApi {

	/** One answer: its status and body, decoded on demand. */
	public record Answer(int status, String contentType, byte[] body) {

		private static final MessageCodec CODEC = new MessageCodec();

		public <T> T as(Class<T> type) {
			return CODEC.decode(body, type);
		}

		public JsonNode json() {
			return CODEC.mapper().readTree(body);
		}

		/** The problem's slug ({@code type} without {@code urn:colony:problem:}), or {@code null}. */
		public String problem() {
			JsonNode type = json().get("type");
			return type == null ? null : type.asString().replace("urn:colony:problem:", "");
		}

		public String text() {
			return new String(body, StandardCharsets.UTF_8);
		}

		@Override
		public String toString() {
			return status + " " + text();
		}
	}

	private final RestClient http;

	public CredentialApi(int port) {
		this.http = RestClient.builder()
			.baseUrl("http://127.0.0.1:" + port + "/api/v1/credentials")
			.defaultStatusHandler(status -> true, (request, response) -> {
			})
			.build();
	}

	/** An agent's call: a JSON body, no token. */
	public Answer post(String path, Object body) {
		return answer(http.post().uri(path).contentType(MediaType.APPLICATION_JSON).body(encode(body)).retrieve()
			.toEntity(byte[].class));
	}

	/** An operator's call with {@code authorization} ({@code null}: none); {@code body} may be {@code null}. */
	public Answer post(String path, Object body, String authorization) {
		RestClient.RequestBodySpec spec = http.post().uri(path).contentType(MediaType.APPLICATION_JSON);
		if (authorization != null) {
			spec.header("Authorization", authorization);
		}
		if (body != null) {
			spec.body(encode(body));
		}
		return answer(spec.retrieve().toEntity(byte[].class));
	}

	public Answer get(String path, String authorization) {
		RestClient.RequestHeadersSpec<?> spec = http.get().uri(path);
		if (authorization != null) {
			spec.header("Authorization", authorization);
		}
		return answer(spec.retrieve().toEntity(byte[].class));
	}

	private static byte[] encode(Object body) {
		return body instanceof String text ? text.getBytes(StandardCharsets.UTF_8) : new MessageCodec().encode(body);
	}

	private static Answer answer(ResponseEntity<byte[]> response) {
		MediaType type = response.getHeaders().getContentType();
		return new Answer(response.getStatusCode().value(), type == null ? null : type.toString(),
				response.getBody() == null ? new byte[0] : response.getBody());
	}
}
