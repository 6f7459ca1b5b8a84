package io.colony.platform.metrics;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Refreshes the gauges that cost a round trip (a passive queue declare, a database count) on a timer of their own,
 * one thread for the whole process, so that a Prometheus scrape only reads numbers already in memory and a slow
 * broker or database never slows a scrape, nor a scrape the service.
 *
 * <p>A poll that fails is logged once when it starts failing and once when it recovers, not on every tick.
 */
public final class MetricsPoller implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(MetricsPoller.class);

	private record Poll(String what, Duration every, Runnable action, Runnable onFailure, AtomicBoolean failing) {
	}

	private final List<Poll> polls = new CopyOnWriteArrayList<>();

	private final List<ScheduledFuture<?>> scheduled = new CopyOnWriteArrayList<>();

	private volatile ScheduledExecutorService executor;

	/**
	 * Runs {@code action} every {@code every} once the application has started (at once for a poll added later),
	 * never two polls at the same time.
	 *
	 * @param what what the poll reads, for the log when it fails
	 * @param onFailure runs when {@code action} threw, to make the gauges say "unknown" (NaN) rather than repeat a
	 * stale value as if it were current
	 */
	public synchronized void every(Duration every, String what, Runnable action, Runnable onFailure) {
		Poll poll = new Poll(what, every, action, onFailure, new AtomicBoolean());
		polls.add(poll);
		if (executor != null) {
			schedule(poll);
		}
	}

	/** Runs every poll once, now, on the calling thread; for tests and for a first value before a scrape. */
	public void pollNow() {
		polls.forEach(MetricsPoller::run);
	}

	private void schedule(Poll poll) {
		scheduled.add(executor.scheduleWithFixedDelay(() -> run(poll), 0, poll.every().toMillis(),
				TimeUnit.MILLISECONDS));
	}

	private static void run(Poll poll) {
		try {
			poll.action().run();
			if (poll.failing().compareAndSet(true, false)) {
				log.info("reading {} for metrics works again", poll.what());
			}
		}
		catch (RuntimeException ex) {
			poll.onFailure().run();
			if (poll.failing().compareAndSet(false, true)) {
				log.warn("reading {} for metrics failed, its gauges report NaN until it works again (tried every {}): {}",
						poll.what(), poll.every(), ex.toString());
			}
		}
	}

	@Override
	public synchronized void start() {
		if (executor != null) {
			return;
		}
		executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
			.name("colony-metrics-poller")
			.daemon(true)
			.factory());
		polls.forEach(this::schedule);
	}

	@Override
	public synchronized void stop() {
		if (executor == null) {
			return;
		}
		scheduled.forEach(future -> future.cancel(false));
		scheduled.clear();
		executor.shutdownNow();
		executor = null;
	}

	@Override
	public boolean isRunning() {
		return executor != null;
	}

	/** Starts after the connections and data sources it reads, stops before them. */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE - 200;
	}
}
