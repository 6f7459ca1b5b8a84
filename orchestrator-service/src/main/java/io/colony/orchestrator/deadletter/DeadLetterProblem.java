package io.colony.orchestrator.deadletter;

import java.util.UUID;

/** What can go wrong acting on one dead letter; translated to problems by {@link DeadLetterController}. */
abstract sealed class DeadLetterProblem extends RuntimeException {

	DeadLetterProblem(String message) {
		super(message);
	}

	static final class NotFound extends DeadLetterProblem {

		NotFound(Object id) {
			super("no dead letter " + id);
		}
	}

	static final class NotOpen extends DeadLetterProblem {

		NotOpen(UUID id, DeadLetter.Status status) {
			super("dead letter " + id + " is " + status + ", not OPEN");
		}
	}

	static final class TooLarge extends DeadLetterProblem {

		TooLarge(UUID id) {
			super("dead letter " + id + " had a body over colony.orchestrator.dead-letters.max-body, which was "
					+ "not stored: it cannot be replayed, only discarded");
		}
	}

	static final class ReplayFailed extends DeadLetterProblem {

		ReplayFailed(UUID id, String why) {
			super("dead letter " + id + " could not be republished: " + why);
		}
	}
}
