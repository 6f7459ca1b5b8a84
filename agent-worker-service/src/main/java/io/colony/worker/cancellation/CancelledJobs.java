package io.colony.worker.cancellation;

import io.colony.contracts.JobId;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The jobs this worker has heard were cancelled: a bounded set whose entries expire, so memory stays flat
 * however many jobs are cancelled. Forgetting one is harmless: a task of a forgotten job simply runs and
 * its result is ignored downstream.
 */
public final class CancelledJobs {

	private final int maxEntries;

	private final Duration retention;

	private final Clock clock;

	/** In insertion order, which is also expiry order because every entry lives equally long. */
	private final LinkedHashMap<JobId, Instant> expiries = new LinkedHashMap<>();

	private final List<Consumer<JobId>> listeners = new CopyOnWriteArrayList<>();

	public CancelledJobs(int maxEntries, Duration retention, Clock clock) {
		this.maxEntries = maxEntries;
		this.retention = retention;
		this.clock = clock;
	}

	/** Records the cancellation, then tells the listeners (which stop the job's running tasks). */
	public void cancel(JobId jobId) {
		Instant now = clock.instant();
		synchronized (expiries) {
			expiries.remove(jobId);
			expiries.put(jobId, now.plus(retention));
			evict(now);
		}
		listeners.forEach(listener -> listener.accept(jobId));
	}

	public boolean isCancelled(JobId jobId) {
		Instant now = clock.instant();
		synchronized (expiries) {
			Instant expiry = expiries.get(jobId);
			if (expiry == null) {
				return false;
			}
			if (!expiry.isAfter(now)) {
				expiries.remove(jobId);
				return false;
			}
			return true;
		}
	}

	public int size() {
		synchronized (expiries) {
			evict(clock.instant());
			return expiries.size();
		}
	}

	/** Called with every newly cancelled job, on the thread that received the cancellation. */
	public void onCancelled(Consumer<JobId> listener) {
		listeners.add(listener);
	}

	private void evict(Instant now) {
		Iterator<Map.Entry<JobId, Instant>> oldestFirst = expiries.entrySet().iterator();
		while (oldestFirst.hasNext()) {
			Map.Entry<JobId, Instant> oldest = oldestFirst.next();
			if (expiries.size() > maxEntries || !oldest.getValue().isAfter(now)) {
				oldestFirst.remove();
			}
			else {
				break;
			}
		}
	}
}
