package io.colony.benchmarks.client;

import java.util.function.Consumer;
import java.util.stream.Stream;

/** An open event stream read on its own thread until {@link #close()} or the server ends it. */
public final class EventStream implements AutoCloseable {

	private final Stream<String> lines;

	private final Thread reader;

	private volatile boolean closed;

	private volatile Throwable failure;

	private volatile boolean ended;

	private EventStream(String jobId, Stream<String> lines, Consumer<SseEvent> listener) {
		this.lines = lines;
		this.reader = Thread.ofVirtual().name("sse-" + jobId).unstarted(() -> read(listener));
	}

	static EventStream start(String jobId, Stream<String> lines, Consumer<SseEvent> listener) {
		EventStream stream = new EventStream(jobId, lines, listener);
		stream.reader.start();
		return stream;
	}

	private void read(Consumer<SseEvent> listener) {
		SseParser parser = new SseParser();
		try {
			lines.forEach(line -> parser.line(line).ifPresent(listener));
		}
		catch (RuntimeException ex) {
			if (!closed) {
				failure = ex;
			}
		}
		finally {
			ended = true;
		}
	}

	/** {@code true} once the server closed the stream (or it failed). */
	public boolean ended() {
		return ended;
	}

	/** Why the stream broke, if it did before {@link #close()}. */
	public Throwable failure() {
		return failure;
	}

	@Override
	public void close() {
		closed = true;
		lines.close();
		reader.interrupt();
	}
}
