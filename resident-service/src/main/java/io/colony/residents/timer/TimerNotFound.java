package io.colony.residents.timer;

/** No such timer for this agent (or it fired already, if it was a one-shot timer). */
public class TimerNotFound extends RuntimeException {

	TimerNotFound(String id) {
		super("no pending timer '" + id + "' for this agent");
	}
}
