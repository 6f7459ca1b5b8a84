package io.colony.residents.runtime;

import java.util.ArrayDeque;

/**
 * One agent in memory, kept small because a node holds a hundred thousand of them: its type (a shared, interned
 * string), its memory as compact bytes ({@link MemoryCodec}), its processed count (the stored row's version), when it
 * was last active, and its mailbox. An idle agent has no mailbox object and no thread, timer or pipeline.
 *
 * <p>Mailbox fields ({@code busy}, {@code pending}, {@code state} changes that remove it) are guarded by the
 * object's own monitor; the memory fields are only touched by the one turn running for the agent at a time (the
 * {@code busy} flag hands them from turn to turn with a happens-before edge).
 */
final class Resident {

	static final byte LOADING = 0;

	static final byte ACTIVE = 1;

	/** Not in the database (never created, or deleted): its mail is dropped. */
	static final byte MISSING = 2;

	/** Removed from the active agents; a message that still holds it looks it up again. */
	static final byte GONE = 3;

	String type;

	byte[] memory;

	long processed;

	/** Seconds on the runtime's clock. */
	int lastActive;

	byte state;

	boolean busy;

	/** Messages waiting while one is processed, in arrival order; {@code null} when none wait. */
	ArrayDeque<Delivery> pending;

	Resident(int now) {
		this.state = LOADING;
		this.lastActive = now;
	}

	/** An active agent (activation, and footprint measurements). */
	static Resident active(String type, byte[] memory, long processed, int now) {
		Resident resident = new Resident(now);
		resident.type = type;
		resident.memory = memory;
		resident.processed = processed;
		resident.state = ACTIVE;
		return resident;
	}

	void enqueue(Delivery delivery) {
		if (pending == null) {
			pending = new ArrayDeque<>(4);
		}
		if (!delivery.redelivered() || pending.isEmpty()) {
			pending.add(delivery);
			return;
		}
		// A redelivery goes before the waiting messages sent after it: a former owner's unacknowledged messages come
		// back in no defined order.
		Delivery[] waiting = pending.toArray(Delivery[]::new);
		pending.clear();
		boolean placed = false;
		for (Delivery other : waiting) {
			if (!placed && sentBefore(delivery, other)) {
				pending.add(delivery);
				placed = true;
			}
			pending.add(other);
		}
		if (!placed) {
			pending.add(delivery);
		}
	}

	private static boolean sentBefore(Delivery one, Delivery other) {
		java.time.Instant a = one.message().sentAt();
		java.time.Instant b = other.message().sentAt();
		return a != null && b != null && a.isBefore(b);
	}

	Delivery poll() {
		if (pending == null) {
			return null;
		}
		Delivery next = pending.poll();
		if (pending.isEmpty()) {
			pending = null;
		}
		return next;
	}
}
