package io.colony.platform.identity;

import io.colony.contracts.AgentKey;
import io.colony.contracts.ResultSignature;
import io.colony.contracts.TaskCompleted;
import io.colony.contracts.TaskFailed;
import io.colony.contracts.TaskResult;
import io.colony.contracts.UnknownTaskResult;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.util.Arrays;
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
 * <p>Thread-safe; every call takes its own {@link Signature}.
 */
public final class ResultSigning {

	/** SubjectPublicKeyInfo of an Ed25519 key: a 12-byte header, then the 32 key bytes. */
	private static final int X509_ED25519_LENGTH = 44;

	private static final ObjectWriter CANONICAL = JsonMapper.builder()
		.enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
		.disable(MapperFeature.SORT_CREATOR_PROPERTIES_FIRST)
		.enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
		.disable(SerializationFeature.INDENT_OUTPUT)
		.disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
		.disable(DateTimeFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
		.enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
		.build()
		.writerFor(TaskResult.class);

	private ResultSigning() {
	}

	/** The bytes a signature covers; see the class comment. */
	public static byte[] canonicalEncoding(TaskResult result) {
		return CANONICAL.writeValueAsBytes(unsigned(result));
	}

	/** The same result, signed by {@code key}. */
	public static <R extends TaskResult> R sign(R result, AgentKeyPair key) {
		byte[] signature = signatureOf(canonicalEncoding(result), key.keyPair().getPrivate(), key.keyPair().getPublic());
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
		byte[] value;
		try {
			value = Base64.getDecoder().decode(signature.value());
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
		if (value.length != Ed25519.SIGNATURE_SIZE) {
			return false;
		}
		byte[] publicKey = rawPublicKey(key);
		if (publicKey == null) {
			return false;
		}
		byte[] message = canonicalEncoding(result);
		// a malformed signature or key (not a curve point) is a signature that does not verify
		return Ed25519.verify(value, 0, publicKey, 0, message, 0, message.length);
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

	/**
	 * RFC 8032 Ed25519 through Bouncy Castle's implementation, which signs and verifies about ten times faster
	 * than the JDK's provider ({@code bench signing}); the keys stay JDK keys, only their raw bytes are used.
	 */
	private static byte[] signatureOf(byte[] message, PrivateKey key, PublicKey publicKey) {
		if (!(key instanceof EdECPrivateKey edec) || edec.getBytes().isEmpty()) {
			throw new IllegalStateException("not an Ed25519 private key with its seed: " + key.getAlgorithm());
		}
		byte[] seed = edec.getBytes().get();
		byte[] raw = rawPublicKey(publicKey);
		byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
		if (raw == null) {
			Ed25519.sign(seed, 0, message, 0, message.length, signature, 0);
		}
		else {
			Ed25519.sign(seed, 0, raw, 0, message, 0, message.length, signature, 0);
		}
		return signature;
	}

	/** The 32 raw bytes of an Ed25519 public key: the tail of its fixed-size X.509 encoding; {@code null} if not one. */
	private static byte[] rawPublicKey(PublicKey key) {
		byte[] encoded = key == null ? null : key.getEncoded();
		if (encoded == null || encoded.length != X509_ED25519_LENGTH || !AgentKey.ED25519.equals(key.getAlgorithm())
				&& !"EdDSA".equals(key.getAlgorithm())) {
			return null;
		}
		return Arrays.copyOfRange(encoded, encoded.length - Ed25519.PUBLIC_KEY_SIZE, encoded.length);
	}
}
