package io.colony.orchestrator.deadletter;

import io.colony.contracts.Destinations;
import io.colony.platform.messaging.Headers;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the keeper learned from one message taken off a {@code .dlq}. Two kinds arrive there: those a Colony
 * consumer gave up on (the platform's {@code DeadLetters}: headers {@code x-colony-death-*} say why, where and after
 * how many deliveries) and those the broker dead-lettered itself (delivery limit reached, expired, rejected by a
 * non-Colony consumer: header {@code x-death}, whose first entry is the latest death). Colony's headers win when both
 * are present.
 *
 * @param body the body, or {@code null} when it was larger than the keeper stores
 */
record IncomingDeadLetter(String queue, String messageId, String originalExchange, String originalRoutingKey,
		String type, String tenant, UUID jobId, String reason, int deliveries, Instant deadLetteredAt,
		Map<String, Object> properties, Map<String, Object> headers, byte[] body, int bodySize) {

	static final String X_DEATH = "x-death";

	static final String TYPE_ID = "__TypeId__";

	/** What {@link Destinations#deadLetterQueue} appends. */
	static final String DLQ_SUFFIX = Destinations.deadLetterQueue("");

	static IncomingDeadLetter of(Message message, String deadLetterQueue, int maxBody, JsonMapper json, Instant now) {
		MessageProperties properties = message.getMessageProperties();
		Map<String, Object> headers = properties.getHeaders();
		Map<String, Object> death = firstDeath(headers);
		byte[] body = message.getBody() == null ? new byte[0] : message.getBody();

		String queue = text(headers.get(Headers.DEATH_QUEUE));
		if (queue == null) {
			queue = death == null ? null : text(death.get("queue"));
		}
		if (queue == null) {
			queue = deadLetterQueue.endsWith(DLQ_SUFFIX)
					? deadLetterQueue.substring(0, deadLetterQueue.length() - DLQ_SUFFIX.length())
					: deadLetterQueue;
		}
		String reason = text(headers.get(Headers.DEATH_REASON));
		if (reason == null) {
			reason = death == null ? "unknown" : text(death.get("reason"));
			reason = reason == null ? "unknown" : reason;
		}
		String messageId = properties.getMessageId();
		if (messageId == null || messageId.isBlank()) {
			messageId = "sha256:" + sha256(body);
		}
		String type = properties.getType() != null ? properties.getType() : text(headers.get(TYPE_ID));
		Map<String, Object> jsonHeaders = jsonSafe(headers);
		return new IncomingDeadLetter(queue, messageId,
				death == null ? null : text(death.get("exchange")),
				death == null ? null : firstText(death.get("routing-keys")),
				type, text(headers.get(Headers.TENANT)), jobIdOf(body, headers, json), reason,
				deliveries(headers, death), deadLetteredAt(headers, death, now), propertiesOf(properties), jsonHeaders,
				body.length > maxBody ? null : body, body.length);
	}

	boolean bodyStored() {
		return body != null;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> firstDeath(Map<String, Object> headers) {
		if (headers.get(X_DEATH) instanceof List<?> deaths && !deaths.isEmpty()
				&& deaths.getFirst() instanceof Map<?, ?> first) {
			return (Map<String, Object>) first;
		}
		return null;
	}

	private static int deliveries(Map<String, Object> headers, Map<String, Object> death) {
		if (headers.get(Headers.DEATH_DELIVERIES) instanceof Number number) {
			return number.intValue();
		}
		if (headers.get(Headers.DELIVERY_COUNT) instanceof Number number) {
			// quorum queues count the failed deliveries before this one, which was the last
			return number.intValue() + 1;
		}
		if (death != null && death.get("count") instanceof Number number) {
			return number.intValue();
		}
		return 1;
	}

	private static Instant deadLetteredAt(Map<String, Object> headers, Map<String, Object> death, Instant now) {
		String at = text(headers.get(Headers.DEATH_AT));
		if (at != null) {
			try {
				return Instant.parse(at);
			}
			catch (DateTimeParseException ignored) {
				// a foreign header of the same name: fall through
			}
		}
		if (death != null && death.get("time") instanceof Date time) {
			return time.toInstant();
		}
		return now;
	}

	/** The body's top-level {@code jobId} when it is a JSON object that has one, else a {@code jobId} header. */
	private static UUID jobIdOf(byte[] body, Map<String, Object> headers, JsonMapper json) {
		String candidate = null;
		if (body.length > 0 && body.length <= 16 * 1024 * 1024 && firstNonBlank(body) == '{') {
			try {
				JsonNode node = json.readTree(body).get("jobId");
				if (node != null && node.isString()) {
					candidate = node.asString();
				}
			}
			catch (RuntimeException ignored) {
				// not JSON after all: no job from the body
			}
		}
		if (candidate == null) {
			candidate = text(headers.get("jobId"));
		}
		if (candidate == null) {
			candidate = text(headers.get("x-colony-job"));
		}
		if (candidate == null) {
			return null;
		}
		try {
			return UUID.fromString(candidate);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private static int firstNonBlank(byte[] body) {
		for (byte b : body) {
			if (!Character.isWhitespace(b)) {
				return b;
			}
		}
		return -1;
	}

	private static Map<String, Object> propertiesOf(MessageProperties properties) {
		Map<String, Object> map = new LinkedHashMap<>();
		putIfSet(map, "contentType", properties.getContentType());
		putIfSet(map, "contentEncoding", properties.getContentEncoding());
		putIfSet(map, "correlationId", properties.getCorrelationId());
		putIfSet(map, "type", properties.getType());
		putIfSet(map, "priority", properties.getPriority());
		putIfSet(map, "timestamp", properties.getTimestamp() == null ? null : properties.getTimestamp().toInstant().toString());
		putIfSet(map, "appId", properties.getAppId());
		putIfSet(map, "userId", properties.getUserId());
		return map;
	}

	private static void putIfSet(Map<String, Object> map, String key, Object value) {
		if (value != null) {
			map.put(key, value);
		}
	}

	/** Header values as JSON can hold them: AMQP long strings, dates and byte arrays become strings. */
	static Map<String, Object> jsonSafe(Map<String, ?> headers) {
		Map<String, Object> safe = new LinkedHashMap<>();
		headers.forEach((key, value) -> safe.put(key, jsonValue(value)));
		return safe;
	}

	private static Object jsonValue(Object value) {
		return switch (value) {
			case null -> null;
			case String s -> s;
			case Number n -> n;
			case Boolean b -> b;
			case Date d -> d.toInstant().toString();
			case byte[] bytes -> new String(bytes, StandardCharsets.UTF_8);
			case Map<?, ?> map -> {
				Map<String, Object> nested = new LinkedHashMap<>();
				map.forEach((k, v) -> nested.put(String.valueOf(k), jsonValue(v)));
				yield nested;
			}
			case List<?> list -> {
				List<Object> nested = new ArrayList<>(list.size());
				list.forEach(v -> nested.add(jsonValue(v)));
				yield nested;
			}
			default -> text(value);
		};
	}

	private static String firstText(Object value) {
		if (value instanceof List<?> list && !list.isEmpty()) {
			return text(list.getFirst());
		}
		return text(value);
	}

	static String text(Object value) {
		return switch (value) {
			case null -> null;
			case String s -> s;
			case byte[] bytes -> new String(bytes, StandardCharsets.UTF_8);
			case DataInputStream stream -> {
				try {
					yield new String(stream.readAllBytes(), StandardCharsets.UTF_8);
				}
				catch (IOException ex) {
					yield null;
				}
			}
			default -> value.toString();
		};
	}

	private static String sha256(byte[] body) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
