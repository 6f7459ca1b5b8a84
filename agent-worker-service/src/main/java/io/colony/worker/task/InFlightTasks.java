package io.colony.worker.task;

import io.colony.contracts.JobId;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.Disposable;
import reactor.core.Disposables;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tasks this worker holds right now: counted for the registry and the {@code colony.worker.tasks.in.flight}
 * gauge, and kept so that a job's cancellation can stop its running tasks.
 */
public final class InFlightTasks {

	private final AtomicInteger count = new AtomicInteger();

	private final Set<Running> running = ConcurrentHashMap.newKeySet();

	InFlightTasks(MeterRegistry meters) {
		Gauge.builder("colony.worker.tasks.in.flight", count, AtomicInteger::get)
			.description("Tasks received and not yet acknowledged, most of them waiting on the LLM")
			.register(meters);
	}

	public int count() {
		return count.get();
	}

	Running begin(JobId jobId, CompletableFuture<Void> acknowledged) {
		Running task = new Running(jobId, acknowledged);
		running.add(task);
		count.incrementAndGet();
		return task;
	}

	void end(Running task) {
		if (task.ended.compareAndSet(false, true)) {
			running.remove(task);
			if (count.decrementAndGet() == 0) {
				synchronized (this) {
					notifyAll();
				}
			}
		}
	}

	/** Waits until no task is running, or {@code timeout} has passed. @return whether none is running */
	synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (count.get() > 0) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				return false;
			}
			java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
		}
		return true;
	}

	/**
	 * Stops every running task without acknowledging it: its delivery stays unacknowledged, and the broker
	 * gives it to another worker when this one's channel closes. None of them publishes a result after this.
	 */
	int handBackAll() {
		int stopped = 0;
		for (Running task : running) {
			task.work.dispose();
			end(task);
			stopped++;
		}
		return stopped;
	}

	/** Stops every running task of {@code jobId}; each is acknowledged without a result. */
	int cancelJob(JobId jobId) {
		int cancelled = 0;
		for (Running task : running) {
			if (task.jobId.equals(jobId)) {
				task.cancel();
				cancelled++;
			}
		}
		return cancelled;
	}

	static final class Running {

		private final JobId jobId;

		private final CompletableFuture<Void> acknowledged;

		private final Disposable.Swap work = Disposables.swap();

		private final AtomicBoolean ended = new AtomicBoolean();

		private Running(JobId jobId, CompletableFuture<Void> acknowledged) {
			this.jobId = jobId;
			this.acknowledged = acknowledged;
		}

		/** A task cancelled before its work is attached never starts it: the swap disposes it at once. */
		void attach(Disposable disposable) {
			work.update(disposable);
		}

		void cancel() {
			work.dispose();
			acknowledged.complete(null);
		}
	}
}
