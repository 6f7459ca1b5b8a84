package io.colony.platform.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.text.ParseException;
import java.util.Base64;

/**
 * An RSA key that signs JWTs (RS256): the gateway's local issuer and the credential service's tokens. Generated, or
 * loaded from a file (a private JWK, as this class writes it, or a PKCS#8 PEM as {@code openssl genpkey -algorithm RSA}
 * writes it). The key id is the key's RFC 7638 thumbprint, so a reloaded key keeps its {@code kid}. Needs Nimbus JOSE
 * on the class path (an optional dependency of the platform).
 */
public final class RsaSigningKeys {

	private static final String PEM_BEGIN = "-----BEGIN PRIVATE KEY-----";

	private static final String PEM_END = "-----END PRIVATE KEY-----";

	private RsaSigningKeys() {
	}

	/** The key in {@code file} (created when missing), or a new one when {@code file} is {@code null}. */
	public static RSAKey of(Path file) {
		return file == null ? generate() : loadOrCreate(file);
	}

	public static RSAKey generate() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			KeyPair pair = generator.generateKeyPair();
			return withThumbprintId(new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey(pair.getPrivate()));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("cannot generate an RSA key", ex);
		}
	}

	/** Loads the key in {@code file}, or generates one and writes it there (owner-only) when the file is missing. */
	public static RSAKey loadOrCreate(Path file) {
		if (Files.exists(file)) {
			return load(file);
		}
		RSAKey key = generate();
		try {
			if (file.toAbsolutePath().getParent() != null) {
				Files.createDirectories(file.toAbsolutePath().getParent());
			}
			if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
				// created owner-only before the private key is written into it
				Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
			}
			else {
				Files.createFile(file);
			}
			Files.writeString(file, key.toJSONString(), StandardCharsets.UTF_8, StandardOpenOption.WRITE);
			return key;
		}
		catch (FileAlreadyExistsException ex) {
			// another instance created it first: use theirs, so that both sign with the same key
			return load(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot write the signing key to " + file, ex);
		}
	}

	public static RSAKey load(Path file) {
		String text;
		try {
			text = Files.readString(file, StandardCharsets.UTF_8).strip();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read the signing key from " + file, ex);
		}
		try {
			RSAKey key = text.startsWith("{") ? RSAKey.parse(text) : fromPem(text);
			if (!key.isPrivate()) {
				throw new IllegalStateException(file + " holds no private key");
			}
			return withThumbprintId(new RSAKey.Builder(key.toRSAPublicKey()).privateKey(key.toPrivateKey()));
		}
		catch (ParseException | JOSEException | GeneralSecurityException | IllegalArgumentException ex) {
			throw new IllegalStateException(file + " is neither an RSA JWK nor a PKCS#8 PEM private key: "
					+ ex.getMessage(), ex);
		}
	}

	private static RSAKey fromPem(String pem) throws GeneralSecurityException {
		int begin = pem.indexOf(PEM_BEGIN);
		int end = pem.indexOf(PEM_END);
		if (begin < 0 || end < begin) {
			throw new IllegalArgumentException("expected " + PEM_BEGIN);
		}
		byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + PEM_BEGIN.length(), end));
		KeyFactory factory = KeyFactory.getInstance("RSA");
		if (!(factory.generatePrivate(new PKCS8EncodedKeySpec(der)) instanceof RSAPrivateCrtKey privateKey)) {
			throw new IllegalArgumentException("the PEM key is not an RSA CRT private key");
		}
		RSAPublicKey publicKey = (RSAPublicKey) factory
			.generatePublic(new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
		return new RSAKey.Builder(publicKey).privateKey(privateKey).build();
	}

	private static RSAKey withThumbprintId(RSAKey.Builder builder) {
		try {
			RSAKey key = builder.keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).build();
			return new RSAKey.Builder(key).keyID(key.computeThumbprint().toString()).build();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("cannot compute the key thumbprint", ex);
		}
	}
}
