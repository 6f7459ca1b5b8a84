package io.colony.benchmarks.client;

import io.colony.benchmarks.cli.CommandFailed;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Follows one job over its event stream until {@code job.completed}. Keeps every event received, so that a
 * test can assert on the sequence.
 */
public final class JobWatch implements AutoCloseable {

	public static final String PROGRESS = "job.progress";

	public static final String COMPLETED = "job.completed";

	private static final Set<String> TERMINAL = Set.of("SUCCEEDED", "PARTIAL", "FAILED", "CANCELLED");

	private final ColonyClient client;

	private final String jobId;

	private final List<SseEvent> events = new CopyOnWriteArrayList<>();

	private final CompletableFuture<Completion> completion = new CompletableFuture<>();

	private EventStream stream;

	/**
	 * How a watch ended.
	 *
	 * @param event the {@code job.completed} event, or {@code null} when the job was found finished by polling
	 * @param receivedNanos {@link System#nanoTime()} when it was received (or found)
	 */
	public record Completion(SseEvent event, long receivedNanos) {

		public boolean fromStream() {
			return event != null;
		}
	}

	private JobWatch(ColonyClient client, String jobId) {
		this.client = client;
		this.jobId = jobId;
	}

	/** Opens the event stream; {@code listener} sees every event, on the stream's thread. */
	public static JobWatch open(ColonyClient client, String jobId, Consumer<SseEvent> listener) {
		JobWatch watch = new JobWatch(client, jobId);
		watch.stream = client.events(jobId, event -> {
			long now = System.nanoTime();
			watch.events.add(event);
			listener.accept(event);
			if (COMPLETED.equals(event.name())) {
				watch.completion.complete(new Completion(event, now));
			}
		});
		return watch;
	}

	public String jobId() {
		return jobId;
	}

	public List<SseEvent> events() {
		return List.copyOf(events);
	}

	/** {@code true} once the gateway ended the stream (it does so after {@code job.completed}). */
	public boolean streamEnded() {
		return stream.ended();
	}

	public long count(String name) {
		return events.stream().filter(event -> name.equals(event.name())).count();
	}

	/**
	 * Waits for {@code job.completed}. With {@code pollFallback} the job is also read every few seconds, and if
	 * it is already finished but no event arrived shortly after (the stream may have opened after the job
	 * ended), that counts as completion.
	 *
	 * @throws CommandFailed on timeout or when the stream ends first
	 */
	public Completion awaitCompletion(Duration timeout, boolean pollFallback) {
		long deadline = System.nanoTime() + timeout.toNanos();
		long terminalSeenAt = -1;
		while (true) {
			try {
				return completion.get(1, TimeUnit.SECONDS);
			}
			catch (TimeoutException ex) {
				// check the other ways out below
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new CommandFailed("interrupted while waiting for job " + jobId);
			}
			catch (ExecutionException ex) {
				throw new CommandFailed("watching job " + jobId + " failed: " + ex.getCause());
			}
			long now = System.nanoTime();
			if (pollFallback) {
				if (terminalSeenAt < 0 && isTerminal(client.job(jobId))) {
					terminalSeenAt = now;
				}
				else if (terminalSeenAt >= 0 && now - terminalSeenAt > Duration.ofSeconds(3).toNanos()) {
					return new Completion(null, terminalSeenAt);
				}
			}
			if (stream.ended() && !completion.isDone()) {
				Throwable failure = stream.failure();
				throw new CommandFailed("the event stream of job " + jobId + " ended before job.completed"
						+ (failure == null ? "" : ": " + failure.getMessage()));
			}
			if (now > deadline) {
				throw new CommandFailed("job " + jobId + " did not complete within " + timeout.toSeconds() + " s");
			}
		}
	}

	public static boolean isTerminal(JsonNode job) {
		return TERMINAL.contains(job.path("status").asString(""));
	}

	@Override
	public void close() {
		if (stream != null) {
			stream.close();
		}
	}
}
