package io.colony.platform.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waits for a condition with a deadline, polling; the test fails with a description when it never holds. */
public final class Await {

	private Await() {
	}

	public static void until(Duration timeout, String description, BooleanSupplier condition) {
		untilValue(timeout, description, condition::getAsBoolean, Boolean.TRUE::equals);
	}

	/** Polls {@code probe} until its value satisfies {@code accept}; returns that value. */
	public static <T> T untilValue(Duration timeout, String description, Supplier<T> probe, Predicate<T> accept) {
		long deadline = System.nanoTime() + timeout.toNanos();
		T last = null;
		RuntimeException lastError = null;
		long pause = 10;
		while (true) {
			try {
				last = probe.get();
				lastError = null;
				if (accept.test(last)) {
					return last;
				}
			}
			catch (RuntimeException ex) {
				lastError = ex;
			}
			if (System.nanoTime() > deadline) {
				AssertionError error = new AssertionError("timed out after " + timeout + " waiting for " + description
						+ " (last value: " + last + ")");
				if (lastError != null) {
					error.initCause(lastError);
				}
				throw error;
			}
			try {
				Thread.sleep(pause);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("interrupted waiting for " + description, ex);
			}
			pause = Math.min(200, pause * 2);
		}
	}
}
