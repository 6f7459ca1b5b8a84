package io.colony.credentials.audit;

import io.colony.platform.identity.AgentSignatures;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * How entries are chained, in one place for the writer and the verifiers: the body an entry's hash covers, the hash,
 * and the check of one stored entry against its predecessor.
 */
final class AuditChain {

	/** The {@code prev_hash} of entry 1, and the head's hash while the log is empty. */
	static final String GENESIS = "0".repeat(64);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private AuditChain() {
	}

	/**
	 * The canonical JSON ({@link AgentSignatures#canonicalEncoding}) of everything an entry says but its hashes. The
	 * columns of {@code audit_log} repeat these fields for queries, and must agree with it.
	 */
	static String body(long seq, Instant recordedAt, AuditEntry entry) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("seq", seq);
		body.put("recordedAt", recordedAt.toString());
		body.put("kind", entry.kind());
		body.put("tenant", entry.tenant() == null ? null : entry.tenant().value());
		body.put("requestId", entry.requestId() == null ? null : entry.requestId().toString());
		body.put("leaseId", entry.leaseId() == null ? null : entry.leaseId().toString());
		body.put("actor", entry.actor());
		body.put("details", entry.details());
		return new String(AgentSignatures.canonicalEncoding(body), StandardCharsets.UTF_8);
	}

	/** SHA-256 (lower-case hex) over the previous entry's hash (its ASCII hex) followed by the UTF-8 body. */
	static String hash(String previousHash, String body) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			digest.update(previousHash.getBytes(StandardCharsets.US_ASCII));
			digest.update(body.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest.digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

	/**
	 * What is wrong with {@code entry} when it should be entry {@code expectedSeq}, following an entry whose hash is
	 * {@code expectedPrevHash}; empty when it is right. Checked in this order, so that the reason names the cause
	 * rather than a consequence: its place (a gap), its link to the previous entry, its own hash, then whether its
	 * columns say what its body says.
	 */
	static Optional<AuditBreach> check(StoredEntry entry, long expectedSeq, String expectedPrevHash) {
		if (entry.seq() != expectedSeq) {
			return breach(expectedSeq, entry.seq() > expectedSeq
					? "entry " + expectedSeq + " is missing: the log goes on with entry " + entry.seq()
					: "entry " + entry.seq() + " appears again after entry " + (expectedSeq - 1));
		}
		if (!expectedPrevHash.equals(entry.prevHash())) {
			return breach(entry.seq(), "prev_hash does not match the hash of entry " + (entry.seq() - 1)
					+ ": an entry before it was removed, inserted, reordered or rewritten");
		}
		if (!hash(entry.prevHash(), entry.body()).equals(entry.hash())) {
			return breach(entry.seq(), "hash does not match sha256(prev_hash || body): the entry was altered");
		}
		JsonNode body;
		try {
			body = JSON.readTree(entry.body());
		}
		catch (JacksonException ex) {
			return breach(entry.seq(), "body is not JSON");
		}
		if (body == null || !body.isObject()) {
			return breach(entry.seq(), "body is not a JSON object");
		}
		return disagreement(entry, body).map(column -> new AuditBreach(entry.seq(),
				"column " + column + " disagrees with the body"));
	}

	/** The first column of {@code entry} that says something else than {@code body}. */
	private static Optional<String> disagreement(StoredEntry entry, JsonNode body) {
		JsonNode seq = body.get("seq");
		if (seq == null || !seq.isIntegralNumber() || seq.asLong() != entry.seq()) {
			return Optional.of("seq");
		}
		if (!entry.recordedAt().equals(instant(text(body, "recordedAt")))) {
			return Optional.of("recorded_at");
		}
		if (!Objects.equals(entry.kind(), text(body, "kind"))) {
			return Optional.of("kind");
		}
		if (!Objects.equals(entry.tenant(), text(body, "tenant"))) {
			return Optional.of("tenant");
		}
		if (!Objects.equals(entry.requestId(), uuid(text(body, "requestId")))) {
			return Optional.of("request_id");
		}
		if (!Objects.equals(entry.leaseId(), uuid(text(body, "leaseId")))) {
			return Optional.of("lease_id");
		}
		if (!Objects.equals(entry.actor(), text(body, "actor"))) {
			return Optional.of("actor");
		}
		return Optional.empty();
	}

	/** The body's {@code details}, or {@code null} when the body is not the JSON object it should be. */
	static JsonNode details(String body) {
		try {
			JsonNode node = JSON.readTree(body);
			return node != null && node.isObject() ? node.get("details") : null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static String text(JsonNode body, String field) {
		JsonNode value = body.get(field);
		return value == null || !value.isString() ? null : value.asString();
	}

	private static Instant instant(String text) {
		try {
			return text == null ? null : Instant.parse(text);
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	/** Parsed, so that a column holding the same id in other letter case still agrees; garbage never does. */
	private static Object uuid(String text) {
		try {
			return text == null ? null : UUID.fromString(text);
		}
		catch (IllegalArgumentException ex) {
			return text;
		}
	}

	private static Optional<AuditBreach> breach(long seq, String reason) {
		return Optional.of(new AuditBreach(seq, reason));
	}
}
