package io.colony.worker.tool.spawn;

import io.colony.contracts.JobCompleted;
import io.colony.contracts.JobId;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Child jobs that parent tasks of this worker wait for. Every worker hears every {@code job.completed} on a
 * private queue; one that no parent here waits for is ignored. A parent registers before it submits, so a
 * child that completes at once is not missed.
 */
final class ChildJobs {

	private final Map<JobId, Sinks.One<JobCompleted>> waiting = new ConcurrentHashMap<>();

	Mono<JobCompleted> completion(JobId child) {
		Sinks.One<JobCompleted> sink = waiting.computeIfAbsent(child, id -> Sinks.one());
		return sink.asMono().doFinally(signal -> waiting.remove(child, sink));
	}

	void completed(JobCompleted event) {
		Sinks.One<JobCompleted> sink = waiting.get(event.jobId());
		if (sink != null) {
			sink.tryEmitValue(event);
		}
	}

	int waitingCount() {
		return waiting.size();
	}
}
