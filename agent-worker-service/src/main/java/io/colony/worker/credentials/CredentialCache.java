package io.colony.worker.credentials;

import io.colony.contracts.JobId;
import io.colony.contracts.LeaseId;

import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The credentials this worker holds, one per task, resource and scope, so that one task's repeated calls reuse a
 * lease instead of asking (and perhaps waiting for a person) again. Bounded: past {@code maxEntries} the oldest
 * entry goes; an entry whose lease is past its maximum lifetime goes when met; a job's entries go when it ends.
 * Thread-safe; tool calls are rare next to LLM calls, so one lock is enough.
 */
final class CredentialCache {

	private final int maxEntries;

	private final Clock clock;

	private final LinkedHashMap<CredentialNeed.Key, HeldCredential> held = new LinkedHashMap<>();

	CredentialCache(int maxEntries, Clock clock) {
		this.maxEntries = maxEntries;
		this.clock = clock;
	}

	/** The credential held for {@code key}, or {@code null}; never one whose lease can no longer be used at all. */
	synchronized HeldCredential get(CredentialNeed.Key key) {
		HeldCredential found = held.get(key);
		if (found != null && found.maxExpiresAt() != null && !clock.instant().isBefore(found.maxExpiresAt())) {
			held.remove(key);
			return null;
		}
		return found;
	}

	synchronized void put(HeldCredential credential) {
		CredentialNeed.Key key = credential.need().key();
		held.remove(key);
		held.put(key, credential);
		Iterator<HeldCredential> oldestFirst = held.values().iterator();
		while (held.size() > maxEntries && oldestFirst.hasNext()) {
			oldestFirst.next();
			oldestFirst.remove();
		}
	}

	/** Forgets the credential held for {@code credential}'s need if it is of the same lease (not a newer one). */
	synchronized void remove(HeldCredential credential) {
		CredentialNeed.Key key = credential.need().key();
		HeldCredential current = held.get(key);
		if (current != null && current.leaseId().equals(credential.leaseId())) {
			held.remove(key);
		}
	}

	/** The maximum lifetime of {@code leaseId} if a credential of it is held, else {@code null}. */
	synchronized Instant maxExpiresAtOf(LeaseId leaseId) {
		for (HeldCredential credential : held.values()) {
			if (credential.leaseId().equals(leaseId)) {
				return credential.maxExpiresAt() != null ? credential.maxExpiresAt() : credential.expiresAt();
			}
		}
		return null;
	}

	/**
	 * Drops the token of every credential of {@code leaseId}, keeping what the point-of-use check needs to refuse
	 * and report its next use.
	 */
	synchronized void dropTokens(LeaseId leaseId) {
		for (Map.Entry<CredentialNeed.Key, HeldCredential> entry : held.entrySet()) {
			if (entry.getValue().leaseId().equals(leaseId)) {
				entry.setValue(entry.getValue().withoutToken());
			}
		}
	}

	/** The job has ended: its tasks use none of their credentials again. */
	synchronized void forgetJob(JobId jobId) {
		if (!held.isEmpty()) {
			held.values().removeIf(credential -> jobId.equals(credential.need().jobId()));
		}
	}

	synchronized int size() {
		return held.size();
	}
}
