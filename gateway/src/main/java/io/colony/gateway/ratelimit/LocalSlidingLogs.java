package io.colony.gateway.ratelimit;

import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The same sliding logs in this instance's memory: what the gateway falls back to while Redis does not answer, so
 * that a tenant is held to its limit per instance (at most instances × limit fleet-wide) rather than to none.
 * A key's log is read and changed inside {@link ConcurrentMap#compute}, so that the sweep of idle logs never drops
 * one a request is writing to.
 */
final class LocalSlidingLogs implements SlidingLogs {

	private final ConcurrentMap<String, ArrayDeque<Long>> logs = new ConcurrentHashMap<>();

	private final long windowMicros;

	private final AtomicLong lastSweep = new AtomicLong(Long.MIN_VALUE);

	LocalSlidingLogs(Duration window) {
		this.windowMicros = window.toNanos() / 1_000;
	}

	@Override
	public Mono<Admission> tryAdmit(String key, int limit, long nowMicros) {
		return Mono.fromSupplier(() -> decide(key, limit, nowMicros));
	}

	Admission decide(String key, int limit, long nowMicros) {
		sweepIdle(nowMicros);
		long horizon = nowMicros - windowMicros;
		Admission[] answer = new Admission[1];
		logs.compute(key, (k, log) -> {
			ArrayDeque<Long> entries = log == null ? new ArrayDeque<>() : log;
			while (!entries.isEmpty() && entries.peekFirst() <= horizon) {
				entries.pollFirst();
			}
			if (entries.size() < limit) {
				entries.addLast(nowMicros);
				answer[0] = new Admission.Admitted();
			}
			else {
				Iterator<Long> oldest = entries.iterator();
				for (int skip = entries.size() - limit; skip > 0; skip--) {
					oldest.next();
				}
				long waitMicros = Math.max(1, oldest.next() + windowMicros - nowMicros);
				answer[0] = new Admission.Refused(Duration.ofNanos(waitMicros * 1_000));
			}
			return entries.isEmpty() ? null : entries;
		});
		return answer[0];
	}

	/** Logs currently kept (a test's view of the memory this fallback holds). */
	int size() {
		return logs.size();
	}

	/** At most once per window: drops the logs whose newest entry has left the window. */
	private void sweepIdle(long nowMicros) {
		long last = lastSweep.get();
		if (last != Long.MIN_VALUE && nowMicros - last < windowMicros || !lastSweep.compareAndSet(last, nowMicros)) {
			return;
		}
		long horizon = nowMicros - windowMicros;
		for (String key : logs.keySet()) {
			logs.computeIfPresent(key, (k, entries) -> entries.isEmpty() || entries.peekLast() <= horizon ? null : entries);
		}
	}
}
