package io.colony.platform.identity;

import io.colony.contracts.AgentKey;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 key pairs of agents: generation, key ids, decoding announced public keys, and the private key file
 * a worker may keep across restarts (PKCS#8 in PEM, readable by its owner only).
 */
public final class AgentKeys {

	private static final String PEM_BEGIN = "-----BEGIN PRIVATE KEY-----";

	private static final String PEM_END = "-----END PRIVATE KEY-----";

	private AgentKeys() {
	}

	public static AgentKeyPair generate(Instant createdAt) {
		try {
			KeyPair pair = KeyPairGenerator.getInstance(AgentKey.ED25519).generateKeyPair();
			return new AgentKeyPair(keyIdOf(pair.getPublic()), pair, createdAt);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("this JDK cannot generate Ed25519 keys", ex);
		}
	}

	/** The first 16 hex characters of SHA-256 over the key's X.509 (SubjectPublicKeyInfo) encoding. */
	public static String keyIdOf(PublicKey publicKey) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded());
			return HexFormat.of().formatHex(digest, 0, 8);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

	/**
	 * The public key an {@link AgentKey} announces.
	 *
	 * @throws InvalidAgentKey when it is not a base64 X.509 Ed25519 key
	 */
	public static PublicKey publicKeyOf(AgentKey key) {
		if (!AgentKey.ED25519.equalsIgnoreCase(key.algorithm())) {
			throw new InvalidAgentKey("key " + key.keyId() + " has algorithm " + key.algorithm() + ", not Ed25519");
		}
		try {
			byte[] encoded = Base64.getDecoder().decode(key.publicKey());
			return KeyFactory.getInstance(AgentKey.ED25519).generatePublic(new X509EncodedKeySpec(encoded));
		}
		catch (IllegalArgumentException | NullPointerException | GeneralSecurityException ex) {
			throw new InvalidAgentKey("key " + key.keyId() + " is not a base64 X.509 Ed25519 public key", ex);
		}
	}

	/**
	 * Writes the private key as a PKCS#8 PEM file with mode 0600 (where the file system has POSIX
	 * permissions), creating missing parent directories. The file is written next to its target and moved into
	 * place, so a reader never sees half of it.
	 */
	public static void save(AgentKeyPair key, Path file) throws IOException {
		Path absolute = file.toAbsolutePath();
		Files.createDirectories(absolute.getParent());
		String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
			.encodeToString(key.keyPair().getPrivate().getEncoded());
		String pem = PEM_BEGIN + "\n" + body + "\n" + PEM_END + "\n";
		Path temporary = absolute.resolveSibling(absolute.getFileName() + ".tmp");
		Files.deleteIfExists(temporary);
		if (absolute.getFileSystem().supportedFileAttributeViews().contains("posix")) {
			Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
		}
		else {
			Files.createFile(temporary);
		}
		Files.writeString(temporary, pem, StandardCharsets.US_ASCII);
		Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

	/**
	 * Reads a key pair saved by {@link #save}. The public half is derived from the private key, so the file holds
	 * nothing else; {@code createdAt} is the file's last modification.
	 *
	 * @throws InvalidAgentKey when the file is not a PKCS#8 PEM Ed25519 private key
	 */
	public static AgentKeyPair load(Path file) throws IOException {
		String text = Files.readString(file, StandardCharsets.US_ASCII);
		int begin = text.indexOf(PEM_BEGIN);
		int end = text.indexOf(PEM_END);
		if (begin < 0 || end < begin) {
			throw new InvalidAgentKey(file + " holds no PEM private key");
		}
		try {
			byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + PEM_BEGIN.length(), end));
			PrivateKey privateKey = KeyFactory.getInstance(AgentKey.ED25519)
				.generatePrivate(new PKCS8EncodedKeySpec(der));
			KeyPair pair = new KeyPair(publicKeyFrom(privateKey), privateKey);
			return new AgentKeyPair(keyIdOf(pair.getPublic()), pair, Files.getLastModifiedTime(file).toInstant());
		}
		catch (IllegalArgumentException | GeneralSecurityException ex) {
			throw new InvalidAgentKey(file + " holds no PKCS#8 Ed25519 private key", ex);
		}
	}

	/** Loads the key at {@code file}, or generates one and saves it there when there is none yet. */
	public static AgentKeyPair loadOrCreate(Path file, Instant now) throws IOException {
		if (Files.exists(file)) {
			return load(file);
		}
		AgentKeyPair created = generate(now);
		try {
			save(created, file);
		}
		catch (FileAlreadyExistsException ex) {
			return load(file);
		}
		return created;
	}

	/**
	 * The JDK has no public API to derive an Ed25519 public key, but an Ed25519 private key is its 32-byte seed
	 * and the generator draws exactly that seed from its random source: generating with a source that returns the
	 * seed reproduces the pair (RFC 8032, section 5.1.5).
	 */
	private static PublicKey publicKeyFrom(PrivateKey privateKey) throws GeneralSecurityException {
		if (!(privateKey instanceof EdECPrivateKey edEc) || edEc.getBytes().isEmpty()) {
			throw new InvalidAgentKey("not an Ed25519 private key");
		}
		byte[] seed = edEc.getBytes().get();
		KeyPairGenerator generator = KeyPairGenerator.getInstance(AgentKey.ED25519);
		generator.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
			@Override
			public void nextBytes(byte[] bytes) {
				System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
			}
		});
		KeyPair derived = generator.generateKeyPair();
		if (!Arrays.equals(((EdECPrivateKey) derived.getPrivate()).getBytes().orElseThrow(), seed)) {
			throw new InvalidAgentKey("could not derive the public key of an Ed25519 private key");
		}
		return derived.getPublic();
	}
}
