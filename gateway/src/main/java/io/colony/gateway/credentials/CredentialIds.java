package io.colony.gateway.credentials;

import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.LeaseId;
import io.colony.gateway.problem.ProblemException;
import org.springframework.http.HttpStatus;

import java.util.function.Function;

/**
 * Ids in operator paths are checked before anything is forwarded: a malformed one reads like an unknown one (404),
 * and only a canonical UUID ever reaches the credential service's path.
 */
final class CredentialIds {

	private CredentialIds() {
	}

	static CredentialRequestId request(String text) {
		return parse(text, CredentialRequestId::parse, "credential-request-not-found", "Credential request not found",
				"there is no credential request ");
	}

	static LeaseId lease(String text) {
		return parse(text, LeaseId::parse, "lease-not-found", "Lease not found", "there is no lease ");
	}

	private static <T> T parse(String text, Function<String, T> parser, String problem, String title, String detail) {
		try {
			if (text != null && text.length() == 36) {
				return parser.apply(text);
			}
		}
		catch (IllegalArgumentException ex) {
			// answered below
		}
		String shown = text == null ? "" : text.length() > 64 ? text.substring(0, 64) + "..." : text;
		throw new ProblemException(HttpStatus.NOT_FOUND, problem, title, detail + shown);
	}
}
