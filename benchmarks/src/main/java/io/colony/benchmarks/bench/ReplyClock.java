package io.colony.benchmarks.bench;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Times messages to resident agents from their sending to their reply on the event stream. The message id is only
 * known once the gateway answered the {@code POST} ({@code 202 {"messageId"}}), and the reply may come on the stream
 * before that answer is read: each id is matched whichever side arrives first. Thread-safe.
 */
final class ReplyClock {

	/** {@link System#nanoTime()} may be negative: "not yet" is this value. */
	private static final long NONE = Long.MIN_VALUE;

	/** Per message id: when it was sent (or {@link #NONE}), when its reply came (or {@link #NONE}). */
	private final ConcurrentMap<String, long[]> open = new ConcurrentHashMap<>();

	private final Set<String> answered = ConcurrentHashMap.newKeySet();

	private final AtomicLongArray latencies;

	private final AtomicInteger replied = new AtomicInteger();

	private final AtomicInteger duplicated = new AtomicInteger();

	private final AtomicLong lastReplyNanos = new AtomicLong(Long.MIN_VALUE);

	private final Runnable onReplied;

	/**
	 * @param capacity the most messages this clock times
	 * @param onReplied called once per message whose reply was matched (e.g. to free a concurrency permit)
	 */
	ReplyClock(int capacity, Runnable onReplied) {
		this.latencies = new AtomicLongArray(capacity);
		this.onReplied = onReplied;
	}

	/** The gateway accepted message {@code messageId}, sent at {@code sentNanos}. */
	void sent(String messageId, long sentNanos) {
		record(messageId, sentNanos, NONE);
	}

	/** A reply to {@code messageId} arrived at {@code receivedNanos}. */
	void replied(String messageId, long receivedNanos) {
		if (answered.contains(messageId)) {
			duplicated.incrementAndGet();
			return;
		}
		record(messageId, NONE, receivedNanos);
	}

	private void record(String messageId, long sentNanos, long receivedNanos) {
		// [matched? 1 : 0, latency, reply time]
		long[] matched = new long[3];
		open.compute(messageId, (id, times) -> {
			long[] both = times == null ? new long[] { NONE, NONE } : times;
			if (sentNanos != NONE) {
				both[0] = sentNanos;
			}
			if (receivedNanos != NONE) {
				if (both[1] != NONE) {
					duplicated.incrementAndGet();
				}
				else {
					both[1] = receivedNanos;
				}
			}
			if (both[0] != NONE && both[1] != NONE) {
				matched[0] = 1;
				matched[1] = both[1] - both[0];
				matched[2] = both[1];
				answered.add(id);
				return null;
			}
			return both;
		});
		if (matched[0] == 1) {
			int index = replied.getAndIncrement();
			if (index < latencies.length()) {
				latencies.set(index, matched[1]);
			}
			lastReplyNanos.accumulateAndGet(matched[2], Math::max);
			onReplied.run();
		}
	}

	int replied() {
		return replied.get();
	}

	int duplicated() {
		return duplicated.get();
	}

	/** Replies that matched no message sent (yet): another client's, a timer's, or a message whose 202 was lost. */
	int unmatchedReplies() {
		return (int) open.values().stream().filter(times -> times[0] == NONE).count();
	}

	/** Messages accepted whose reply never came. */
	int awaitingReply() {
		return (int) open.values().stream().filter(times -> times[0] != NONE).count();
	}

	long lastReplyNanos() {
		return lastReplyNanos.get();
	}

	/** Sent → reply of every matched message, in milliseconds. */
	Percentiles latenciesMillis() {
		int count = Math.min(replied.get(), latencies.length());
		long[] millis = new long[count];
		for (int i = 0; i < count; i++) {
			millis[i] = Math.round(latencies.get(i) / 1e6);
		}
		return new Percentiles(millis);
	}
}
