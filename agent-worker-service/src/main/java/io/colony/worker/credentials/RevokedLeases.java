package io.colony.worker.credentials;

import io.colony.contracts.LeaseId;

import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * Leases of this agent an operator revoked, which the point-of-use check refuses. An entry is kept until its lease's
 * maximum lifetime has passed, after which the lease is refused as expired anyway; past {@code maxEntries} the
 * oldest goes. Thread-safe.
 */
final class RevokedLeases {

	record Revocation(String reason, Instant until) {
	}

	private final int maxEntries;

	private final Clock clock;

	private final LinkedHashMap<LeaseId, Revocation> revoked = new LinkedHashMap<>();

	RevokedLeases(int maxEntries, Clock clock) {
		this.maxEntries = maxEntries;
		this.clock = clock;
	}

	synchronized void add(LeaseId leaseId, String reason, Instant until) {
		revoked.remove(leaseId);
		revoked.put(leaseId, new Revocation(reason, until));
		Iterator<Revocation> oldestFirst = revoked.values().iterator();
		while (revoked.size() > maxEntries && oldestFirst.hasNext()) {
			oldestFirst.next();
			oldestFirst.remove();
		}
	}

	/** The revocation of {@code leaseId}, or {@code null} when it was not revoked (or is long past use). */
	synchronized Revocation get(LeaseId leaseId) {
		Revocation found = revoked.get(leaseId);
		if (found != null && !clock.instant().isBefore(found.until())) {
			revoked.remove(leaseId);
			return null;
		}
		return found;
	}

	synchronized int size() {
		return revoked.size();
	}
}
