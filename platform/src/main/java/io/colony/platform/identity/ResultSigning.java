package io.colony.platform.identity;

import io.colony.contracts.AgentKey;
import io.colony.contracts.ResultSignature;
import io.colony.contracts.TaskCompleted;
import io.colony.contracts.TaskFailed;
import io.colony.contracts.TaskResult;
import io.colony.contracts.UnknownTaskResult;
import tools.jackson.databind.ObjectWriter;

import java.security.PublicKey;
import java.util.Base64;

/**
 * Signs and verifies {@link TaskResult}s with an agent's Ed25519 key.
 *
 * <p>The signed bytes, the <em>canonical encoding</em> of a result, are the UTF-8 JSON of the result with its
 * {@code signature} set to {@code null}, written with the type discriminator first ({@code "type":"TaskCompleted"}
 * or {@code "TaskFailed"}) and then every property in alphabetical order at every level (map entries by key),
 * {@code null} values included, no whitespace, instants as ISO-8601 strings ({@code 2026-01-02T03:04:05.123Z},
 * the fraction as long as needed), {@code BigDecimal}s in plain notation ({@code 0.00000045}, never
 * {@code 4.5E-7}). It depends only on the result's values, not on the order of fields in the message a verifier
 * received, so a result decoded from the wire encodes to the same bytes the agent signed. A verifier knows only the
 * fields of its own build of the contracts: a field added to a result must reach verifiers before agents fill it.
 *
 * <p>Thread-safe. The encoding and the Ed25519 primitives are {@link AgentSignatures}'.
 */
public final class ResultSigning {

	private static final ObjectWriter CANONICAL = AgentSignatures.CANONICAL.writerFor(TaskResult.class);

	private ResultSigning() {
	}

	/** The bytes a signature covers; see the class comment. */
	public static byte[] canonicalEncoding(TaskResult result) {
		return CANONICAL.writeValueAsBytes(unsigned(result));
	}

	/** The same result, signed by {@code key}. */
	public static <R extends TaskResult> R sign(R result, AgentKeyPair key) {
		byte[] signature = AgentSignatures.sign(canonicalEncoding(result), key.keyPair().getPrivate(), key.keyPair().getPublic());
		ResultSignature value = new ResultSignature(key.keyId(), Base64.getEncoder().encodeToString(signature));
		@SuppressWarnings("unchecked")
		R signed = (R) switch (result) {
			case TaskCompleted completed -> completed.withSignature(value);
			case TaskFailed failed -> failed.withSignature(value);
			case UnknownTaskResult unknown -> throw new IllegalArgumentException("cannot sign an unknown result");
		};
		return signed;
	}

	/**
	 * Whether {@code result} carries a signature by {@code key} over its canonical encoding. False when it is
	 * unsigned, names another key id, or the signature does not match; whether the key is still valid (not
	 * revoked) is the caller's decision.
	 */
	public static boolean verify(TaskResult result, AgentKey key) {
		ResultSignature signature = signatureOf(result);
		if (signature == null || !key.keyId().equals(signature.keyId())) {
			return false;
		}
		return verify(result, AgentKeys.publicKeyOf(key));
	}

	/** Like {@link #verify(TaskResult, AgentKey)} with a decoded key, without comparing key ids. */
	public static boolean verify(TaskResult result, PublicKey key) {
		ResultSignature signature = signatureOf(result);
		if (signature == null || signature.value() == null) {
			return false;
		}
		return AgentSignatures.verify(canonicalEncoding(result), signature.value(), key);
	}

	/** The signature a result carries; {@code null} when it has none. */
	public static ResultSignature signatureOf(TaskResult result) {
		return switch (result) {
			case TaskCompleted completed -> completed.signature();
			case TaskFailed failed -> failed.signature();
			case UnknownTaskResult unknown -> null;
		};
	}

	private static TaskResult unsigned(TaskResult result) {
		return switch (result) {
			case TaskCompleted completed -> completed.signature() == null ? completed : completed.withSignature(null);
			case TaskFailed failed -> failed.signature() == null ? failed : failed.withSignature(null);
			case UnknownTaskResult unknown -> throw new IllegalArgumentException("an unknown result has no encoding");
		};
	}
}
