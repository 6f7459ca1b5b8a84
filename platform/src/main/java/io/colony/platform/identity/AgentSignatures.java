package io.colony.platform.identity;

import io.colony.contracts.AgentKey;
import io.colony.contracts.AgentSignature;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.util.Arrays;
import java.util.Base64;

/**
 * Ed25519 signatures by an agent's key over the <em>canonical encoding</em> of what it sends: the UTF-8 JSON of the
 * payload with every property in alphabetical order at every level (map entries by key), {@code null} values
 * included, no whitespace, instants and durations as ISO-8601 strings ({@code 2026-01-02T03:04:05.123Z},
 * {@code PT5M}), {@code BigDecimal}s in plain notation. It depends only on the payload's values, so a payload
 * decoded from the wire encodes to the same bytes the agent signed. Results ({@link ResultSigning}) and credential
 * requests, claims and renewals are signed this way.
 *
 * <p>RFC 8032 Ed25519 through Bouncy Castle's implementation, about ten times faster than the JDK's provider
 * ({@code bench signing}); the keys stay JDK keys, only their raw bytes are used. Thread-safe.
 */
public final class AgentSignatures {

	/** SubjectPublicKeyInfo of an Ed25519 key: a 12-byte header, then the 32 key bytes. */
	private static final int X509_ED25519_LENGTH = 44;

	static final JsonMapper CANONICAL = JsonMapper.builder()
		.enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
		.disable(MapperFeature.SORT_CREATOR_PROPERTIES_FIRST)
		.enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
		.disable(SerializationFeature.INDENT_OUTPUT)
		.disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
		.disable(DateTimeFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
		.enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
		.build();

	private AgentSignatures() {
	}

	/** The bytes a signature over {@code payload} covers; see the class comment. */
	public static byte[] canonicalEncoding(Object payload) {
		return CANONICAL.writeValueAsBytes(payload);
	}

	/** {@code key}'s signature over the canonical encoding of {@code payload}. */
	public static AgentSignature sign(Object payload, AgentKeyPair key) {
		byte[] signature = sign(canonicalEncoding(payload), key.keyPair().getPrivate(), key.keyPair().getPublic());
		return new AgentSignature(key.keyId(), Base64.getEncoder().encodeToString(signature));
	}

	/**
	 * Whether {@code signature} is {@code key}'s over the canonical encoding of {@code payload}. False when the
	 * signature is missing or malformed, names another key id, or does not match; whether the key is still valid
	 * (not revoked) is the caller's decision.
	 */
	public static boolean verify(Object payload, AgentSignature signature, AgentKey key) {
		if (signature == null || signature.value() == null || !key.keyId().equals(signature.keyId())) {
			return false;
		}
		return verify(canonicalEncoding(payload), signature.value(), AgentKeys.publicKeyOf(key));
	}

	/** Raw Ed25519 signature over {@code message}. */
	static byte[] sign(byte[] message, PrivateKey key, PublicKey publicKey) {
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

	/** Whether base64 {@code signature} is {@code key}'s over {@code message}; malformed input does not verify. */
	static boolean verify(byte[] message, String signature, PublicKey key) {
		byte[] value;
		try {
			value = Base64.getDecoder().decode(signature);
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
		// a malformed signature or key (not a curve point) is a signature that does not verify
		return Ed25519.verify(value, 0, publicKey, 0, message, 0, message.length);
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
