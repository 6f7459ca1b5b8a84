package io.colony.residents.agent;

import io.colony.contracts.ResidentId;
import io.colony.contracts.TenantId;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/** What every endpoint of the internal API checks the same way: the tenant header, ids, and strict JSON bodies. */
public final class Requests {

	private static final JsonMapper STRICT = JsonMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
				DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.withCoercionConfig(LogicalType.Textual,
				config -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.EmptyArray, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.EmptyObject, CoercionAction.Fail))
		.build();

	private Requests() {
	}

	public static TenantId tenant(String header) {
		if (header == null || header.isBlank()) {
			throw new InvalidRequest("header X-Colony-Tenant is required");
		}
		try {
			return TenantId.of(header);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidRequest("header X-Colony-Tenant: " + ex.getMessage());
		}
	}

	/** An id in a path: one that cannot be valid names no agent (404), rather than a bad request. */
	public static ResidentId agentId(String value) {
		if (!ResidentId.isValid(value)) {
			throw new AgentNotFound(value);
		}
		return ResidentId.of(value);
	}

	/** Binds a JSON body, rejecting unknown fields and type mismatches with a message naming the field. */
	public static <T> T read(byte[] body, Class<T> type) {
		if (body == null || body.length == 0) {
			throw new InvalidRequest("the request body is empty; send a JSON object");
		}
		try {
			T value = STRICT.readValue(body, type);
			if (value == null) {
				throw new InvalidRequest("the request body must be a JSON object");
			}
			return value;
		}
		catch (UnrecognizedPropertyException ex) {
			throw new InvalidRequest("unknown field '" + ex.getPropertyName() + "' at " + path(ex) + " (known: "
					+ ex.getKnownPropertyIds() + ")");
		}
		catch (JacksonException ex) {
			throw new InvalidRequest("the request body is not valid: " + ex.getOriginalMessage() + " at " + path(ex));
		}
	}

	private static String path(JacksonException ex) {
		String path = ex.getPathReference();
		return path == null || path.isBlank() ? "the top level" : path;
	}
}
