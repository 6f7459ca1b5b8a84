package io.colony.worker.llm;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs at most {@code max} calls at once; the others wait in a queue as plain objects, holding no thread,
 * and start in arrival order as slots free up. A waiting call that is cancelled never starts; a running
 * one frees its slot however it ends (value, error, cancellation).
 */
final class ConcurrencyLimit {

	private static final int WAITING = 0;

	private static final int RUNNING = 1;

	private static final int DONE = 2;

	private final int max;

	private final Queue<Ticket> waiting = new ConcurrentLinkedQueue<>();

	private final Object lock = new Object();

	private int running;

	ConcurrencyLimit(int max) {
		if (max < 1) {
			throw new IllegalArgumentException("max must be at least 1");
		}
		this.max = max;
	}

	<T> Mono<T> run(Mono<T> call) {
		return Mono.defer(() -> {
			Ticket ticket = new Ticket();
			waiting.add(ticket);
			drain();
			return ticket.turn.asMono().then(call).doFinally(signal -> finish(ticket));
		});
	}

	int running() {
		synchronized (lock) {
			return running;
		}
	}

	int waiting() {
		return (int) waiting.stream().filter(ticket -> ticket.state.get() == WAITING).count();
	}

	private void finish(Ticket ticket) {
		if (ticket.state.compareAndSet(WAITING, DONE)) {
			waiting.remove(ticket);
			return;
		}
		if (ticket.state.compareAndSet(RUNNING, DONE)) {
			synchronized (lock) {
				running--;
			}
			drain();
		}
	}

	/** Grants free slots under the lock, but lets the granted calls start outside it. */
	private void drain() {
		List<Ticket> granted = new ArrayList<>();
		synchronized (lock) {
			while (running < max) {
				Ticket next = waiting.poll();
				if (next == null) {
					break;
				}
				if (next.state.compareAndSet(WAITING, RUNNING)) {
					running++;
					granted.add(next);
				}
			}
		}
		granted.forEach(ticket -> ticket.turn.tryEmitEmpty());
	}

	private static final class Ticket {

		final AtomicInteger state = new AtomicInteger(WAITING);

		final Sinks.Empty<Void> turn = Sinks.empty();
	}
}
