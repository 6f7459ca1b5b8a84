package io.colony.aggregator.progress;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lets at most one value per key through per interval. A value offered too early is kept as the key's
 * pending value (a newer one replaces it) and released by {@link #drainDue} once the interval has passed,
 * so the latest value is never held back for good. Thread-safe; time is passed in.
 */
final class Throttle<K, V> {

	private static final class Entry<V> {

		private Instant lastSent;

		private V pending;
	}

	private final Duration interval;

	private final Map<K, Entry<V>> entries = new HashMap<>();

	Throttle(Duration interval) {
		this.interval = interval;
	}

	/** @return {@code value} when it may be sent now (the caller sends it), empty when it was kept pending */
	synchronized Optional<V> offer(K key, V value, Instant now) {
		Entry<V> entry = entries.computeIfAbsent(key, ignored -> new Entry<>());
		if (isDue(entry, now)) {
			entry.lastSent = now;
			entry.pending = null;
			return Optional.of(value);
		}
		entry.pending = value;
		return Optional.empty();
	}

	/** Pending values whose interval has passed; the caller sends them. */
	synchronized List<V> drainDue(Instant now) {
		List<V> due = new ArrayList<>();
		for (Entry<V> entry : entries.values()) {
			if (entry.pending != null && isDue(entry, now)) {
				due.add(entry.pending);
				entry.pending = null;
				entry.lastSent = now;
			}
		}
		return due;
	}

	/** Drops the key and anything pending for it. */
	synchronized void forget(K key) {
		entries.remove(key);
	}

	/** Drops keys with nothing pending that sent nothing for {@code idle}, so memory follows live keys only. */
	synchronized void evictIdle(Instant now, Duration idle) {
		for (Iterator<Entry<V>> it = entries.values().iterator(); it.hasNext();) {
			Entry<V> entry = it.next();
			if (entry.pending == null && entry.lastSent != null && entry.lastSent.plus(idle).isBefore(now)) {
				it.remove();
			}
		}
	}

	synchronized int size() {
		return entries.size();
	}

	private boolean isDue(Entry<V> entry, Instant now) {
		return entry.lastSent == null || !now.isBefore(entry.lastSent.plus(interval));
	}
}
