package io.colony.worker.task;

import io.colony.contracts.Priority;
import io.micrometer.core.instrument.Gauge;
import io.colony.worker.priority.PriorityQueues;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admits the tasks this worker holds to run their agent loop: at most {@code maxRunning} at once; the rest wait
 * in one queue per priority and start high first, then normal, then low, in arrival order within a priority.
 * A waiting task is a queued object completed by the task that frees its slot, not a thread.
 *
 * <p>Contracts: a task's slot is freed however its work ends (success, error, cancellation); a task cancelled
 * while waiting leaves its queue and frees nothing, since it held nothing. After {@link #close()} nothing starts
 * any more and every waiting task fails at once with {@link HandedBack}, so that it can be left unacknowledged.
 */
final class TaskScheduler {

	private final int maxRunning;

	private final PriorityQueues<Ticket> waiting = new PriorityQueues<>();

	private int running;

	private boolean closed;

	/** Calls of {@link #drain} under way or asked for while one was: only one grants at a time. */
	private final AtomicInteger drains = new AtomicInteger();

	TaskScheduler(int maxRunning, MeterRegistry meters) {
		if (maxRunning < 1) {
			throw new IllegalArgumentException("maxRunning must be at least 1, was " + maxRunning);
		}
		this.maxRunning = maxRunning;
		if (meters != null) {
			for (Priority priority : Priority.values()) {
				Gauge.builder("colony.worker.tasks.waiting", this, scheduler -> scheduler.waiting(priority))
					.description("Tasks received and waiting for one of colony.worker.max-running-tasks to start")
					.tag("priority", priority.wireName())
					.register(meters);
			}
			Gauge.builder("colony.worker.tasks.running", this, TaskScheduler::running)
				.description("Tasks running their agent loop (at most colony.worker.max-running-tasks)")
				.register(meters);
		}
	}

	/**
	 * Subscribes to {@code work} once a slot is free and this task is the first of the highest priority waiting;
	 * the slot is held until {@code work} ends. {@code null} counts as normal.
	 */
	<T> Mono<T> run(Priority priority, Mono<T> work) {
		Priority effective = priority == null ? Priority.NORMAL : priority;
		return Mono.defer(() -> {
			Ticket ticket = new Ticket(effective);
			enqueue(ticket);
			return ticket.turn.asMono().then(work).doFinally(signal -> finish(ticket));
		});
	}

	synchronized int running() {
		return running;
	}

	synchronized int waiting(Priority priority) {
		return waiting.size(priority);
	}

	synchronized int waiting() {
		return waiting.size();
	}

	/** Starts nothing any more; every waiting task fails with {@link HandedBack}. @return how many were waiting */
	int close() {
		List<Ticket> handedBack = new ArrayList<>();
		synchronized (this) {
			closed = true;
			for (Ticket ticket : waiting.removeAll()) {
				if (ticket.state.compareAndSet(Ticket.WAITING, Ticket.DONE)) {
					handedBack.add(ticket);
				}
			}
		}
		handedBack.forEach(ticket -> ticket.turn.tryEmitError(new HandedBack()));
		return handedBack.size();
	}

	private void enqueue(Ticket ticket) {
		boolean refused;
		synchronized (this) {
			refused = closed;
			if (!refused) {
				waiting.add(ticket.priority, ticket);
			}
		}
		if (refused) {
			ticket.state.set(Ticket.DONE);
			ticket.turn.tryEmitError(new HandedBack());
			return;
		}
		drain();
	}

	private void finish(Ticket ticket) {
		if (ticket.state.compareAndSet(Ticket.WAITING, Ticket.DONE)) {
			synchronized (this) {
				waiting.remove(ticket.priority, ticket);
			}
			return;
		}
		if (ticket.state.compareAndSet(Ticket.RUNNING, Ticket.DONE)) {
			synchronized (this) {
				running--;
			}
			drain();
		}
	}

	/**
	 * Grants free slots under the monitor; the granted tasks start outside it. A task that ends while it starts
	 * (e.g. dropped because its deadline passed while it waited) calls back in here; such a nested call only
	 * records that there is more to do, and the outer loop grants again, so a long run of them cannot overflow
	 * the stack.
	 */
	private void drain() {
		if (drains.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			List<Ticket> granted = new ArrayList<>();
			synchronized (this) {
				Ticket ticket;
				while (!closed && running < maxRunning && (ticket = waiting.poll()) != null) {
					if (ticket.state.compareAndSet(Ticket.WAITING, Ticket.RUNNING)) {
						running++;
						granted.add(ticket);
					}
				}
			}
			granted.forEach(ticket -> ticket.turn.tryEmitEmpty());
			missed = drains.addAndGet(-missed);
		}
		while (missed != 0);
	}

	/** A waiting task that will not start here because the worker is shutting down. */
	static final class HandedBack extends RuntimeException {

		HandedBack() {
			super("the worker is shutting down; the task goes back to the broker", null, false, false);
		}
	}

	private static final class Ticket {

		static final int WAITING = 0;

		static final int RUNNING = 1;

		static final int DONE = 2;

		final Priority priority;

		final AtomicInteger state = new AtomicInteger(WAITING);

		final Sinks.Empty<Void> turn = Sinks.empty();

		Ticket(Priority priority) {
			this.priority = priority;
		}
	}
}
