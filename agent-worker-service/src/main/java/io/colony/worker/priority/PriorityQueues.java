package io.colony.worker.priority;

import io.colony.contracts.Priority;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Things waiting their turn by priority: high first, then normal, then low, in arrival order within a priority.
 * The worker's task scheduler and its LLM concurrency limiter both queue by it. Not thread-safe: its owner guards it
 * with its own monitor. A {@code null} priority counts as normal.
 */
public final class PriorityQueues<T> {

	private static final Priority[] ORDER = { Priority.HIGH, Priority.NORMAL, Priority.LOW };

	private final Map<Priority, LinkedHashSet<T>> queues = new EnumMap<>(Priority.class);

	public PriorityQueues() {
		for (Priority priority : ORDER) {
			queues.put(priority, new LinkedHashSet<>());
		}
	}

	public void add(Priority priority, T waiting) {
		queues.get(orNormal(priority)).add(waiting);
	}

	public void remove(Priority priority, T waiting) {
		queues.get(orNormal(priority)).remove(waiting);
	}

	/** The first of the highest priority, taken out of its queue; {@code null} when nothing waits. */
	public T poll() {
		for (Priority priority : ORDER) {
			Iterator<T> next = queues.get(priority).iterator();
			if (next.hasNext()) {
				T first = next.next();
				next.remove();
				return first;
			}
		}
		return null;
	}

	/** Everything waiting, in turn order, and the queues emptied. */
	public List<T> removeAll() {
		List<T> all = new ArrayList<>();
		for (Priority priority : ORDER) {
			all.addAll(queues.get(priority));
			queues.get(priority).clear();
		}
		return all;
	}

	public int size(Priority priority) {
		return queues.get(orNormal(priority)).size();
	}

	public int size() {
		int total = 0;
		for (LinkedHashSet<T> queue : queues.values()) {
			total += queue.size();
		}
		return total;
	}

	private static Priority orNormal(Priority priority) {
		return priority == null ? Priority.NORMAL : priority;
	}
}
