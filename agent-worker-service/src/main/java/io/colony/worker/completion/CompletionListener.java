package io.colony.worker.completion;

import io.colony.contracts.JobCompleted;

/** A feature that wants to hear when any job ends. Called on the consumer's thread: do not block. */
public interface CompletionListener {

	void jobCompleted(JobCompleted completed);
}
