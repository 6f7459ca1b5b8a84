package io.colony.credentials.audit;

import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.LeaseId;
import io.colony.contracts.TenantId;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Something the audit log records. Never a token or secret: {@code details} holds ids, scopes, times and reasons.
 *
 * @param kind what happened: {@code requested}, {@code decided}, {@code issued}, {@code used}, {@code renewed},
 *     {@code revoked}, {@code expired}, or a refusal such as {@code rejected}; at most 40 characters
 * @param tenant whose request or lease it concerns; {@code null} for entries of no tenant (only operators of no
 *     tenant could list them)
 * @param actor who did it: an agent id, an operator's subject, {@code policy} or {@code system}; at most 300
 *     characters
 * @param details the specifics, with string keys and JSON-able values (strings, numbers, booleans, lists, instants,
 *     durations); copied, so later changes to the caller's map are not recorded
 */
public record AuditEntry(String kind, TenantId tenant, CredentialRequestId requestId, LeaseId leaseId, String actor,
		Map<String, Object> details) {

	static final int MAX_KIND = 40;

	static final int MAX_ACTOR = 300;

	/** Checked here rather than left to the database, where it would look like the log being unavailable. */
	public AuditEntry {
		if (kind == null || kind.isBlank() || kind.length() > MAX_KIND) {
			throw new IllegalArgumentException("audit kind must be 1.." + MAX_KIND + " characters, was " + kind);
		}
		if (actor == null || actor.isBlank() || actor.length() > MAX_ACTOR) {
			throw new IllegalArgumentException("audit actor must be 1.." + MAX_ACTOR + " characters");
		}
		details = details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
	}
}
