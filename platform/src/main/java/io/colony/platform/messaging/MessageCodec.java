package io.colony.platform.messaging;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON encoding of wire types. Unknown properties are ignored so that a newer producer never breaks an
 * older consumer; a type discriminator this build does not know decodes to the hierarchy's
 * {@code Unknown…} record.
 */
public final class MessageCodec {

	private final JsonMapper mapper;

	public MessageCodec() {
		this.mapper = JsonMapper.builder()
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
			.disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
			.disable(DateTimeFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
			// costs are BigDecimal: 0.00000045, not 4.5E-7
			.enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
			.build();
	}

	public byte[] encode(Object payload) {
		return mapper.writeValueAsBytes(payload);
	}

	/** @throws UndecodableMessage when {@code body} is not a {@code type} */
	public <T> T decode(byte[] body, Class<T> type) {
		try {
			T value = mapper.readValue(body, type);
			if (value == null) {
				throw new UndecodableMessage("empty body, expected " + type.getSimpleName(), null);
			}
			return value;
		}
		catch (JacksonException | IllegalArgumentException ex) {
			throw new UndecodableMessage("not a valid " + type.getSimpleName() + ": " + firstLine(ex.getMessage()), ex);
		}
	}

	public JsonMapper mapper() {
		return mapper;
	}

	private static String firstLine(String text) {
		if (text == null) {
			return "";
		}
		int newline = text.indexOf('\n');
		return newline < 0 ? text : text.substring(0, newline);
	}
}
