package io.colony.residents.timer;

/** The agent has as many pending timers as allowed. */
public class TooManyTimers extends RuntimeException {

	TooManyTimers(String agent, int max) {
		super("agent '" + agent + "' has " + max + " pending timers already, the most allowed; cancel one first");
	}
}
