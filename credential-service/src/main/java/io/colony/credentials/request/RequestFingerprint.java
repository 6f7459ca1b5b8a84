package io.colony.credentials.request;

import io.colony.contracts.CredentialRequest;
import io.colony.platform.identity.AgentSignatures;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What makes two requests with the same id the same request: SHA-256 over the canonical encoding of everything but
 * the nonce and {@code signedAt}, which every retry changes.
 */
final class RequestFingerprint {

	private RequestFingerprint() {
	}

	static String of(CredentialRequest request) {
		CredentialRequest content = new CredentialRequest(request.requestId(), request.agentId(), request.tenant(),
				request.jobId(), request.taskId(), request.resource(), request.scope(), request.ttl(),
				request.justification(), null, null);
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(AgentSignatures.canonicalEncoding(content)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}
}
