package io.colony.platform.observability;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Carries a trace across hops that the instrumentation cannot see: a message published later from the
 * outbox, or a result published when an asynchronous LLM call completes on another thread. The trace
 * context is captured as propagation headers and restored as the parent of a new span.
 */
public final class TraceCarrier {

	private final Tracer tracer;

	private final Propagator propagator;

	public TraceCarrier(Tracer tracer, Propagator propagator) {
		this.tracer = tracer;
		this.propagator = propagator;
	}

	public static TraceCarrier noop() {
		return new TraceCarrier(Tracer.NOOP, Propagator.NOOP);
	}

	/** Propagation headers of the current span, empty when there is none. */
	public Map<String, String> capture() {
		Map<String, String> headers = new HashMap<>();
		TraceContext context = tracer.currentTraceContext().context();
		if (context != null) {
			propagator.inject(context, headers, Map::put);
		}
		return headers;
	}

	/** Propagation headers from an inbound message's headers (values of other types are ignored). */
	public Map<String, String> extractFields(Map<String, Object> messageHeaders) {
		Map<String, String> headers = new HashMap<>();
		for (String field : propagator.fields()) {
			Object value = messageHeaders.get(field);
			if (value != null) {
				headers.put(field, value.toString());
			}
		}
		return headers;
	}

	/** Runs {@code work} inside a new span whose parent is the context in {@code parentHeaders}. */
	public <T> T inChildSpan(Map<String, String> parentHeaders, String name, Supplier<T> work) {
		if (parentHeaders == null || parentHeaders.isEmpty()) {
			return work.get();
		}
		Span span = propagator.extract(parentHeaders, (carrier, key) -> carrier.get(key)).name(name).start();
		try (Tracer.SpanInScope ignored = tracer.withSpan(span)) {
			return work.get();
		}
		finally {
			span.end();
		}
	}

	/**
	 * Handles one consumed message in a consumer span whose parent is the publisher's span ({@code parentHeaders}),
	 * tagged with {@code tags}. The span is current while {@code work} runs on the calling thread (so that what it
	 * publishes, writes to an outbox or logs there carries the trace), and ends when the stage {@code work}
	 * returned completes: for an asynchronous handler (an agent's task) it covers the whole handling, and spans
	 * started later from {@link Tracer#currentSpan()} captured in {@code work} are its children.
	 */
	public CompletionStage<?> inConsumerSpan(Map<String, String> parentHeaders, String name,
			Map<String, String> tags, Supplier<? extends CompletionStage<?>> work) {
		if (parentHeaders == null || parentHeaders.isEmpty()) {
			return work.get();
		}
		Span span = propagator.extract(parentHeaders, (carrier, key) -> carrier.get(key))
			.name(name)
			.kind(Span.Kind.CONSUMER)
			.start();
		tags.forEach(span::tag);
		CompletionStage<?> outcome;
		try (Tracer.SpanInScope ignored = tracer.withSpan(span)) {
			outcome = work.get();
		}
		catch (RuntimeException ex) {
			span.error(ex);
			span.end();
			throw ex;
		}
		if (outcome == null) {
			span.end();
			return CompletableFuture.completedFuture(null);
		}
		return outcome.whenComplete((ignored, error) -> {
			if (error != null) {
				span.error(error);
			}
			span.end();
		});
	}

	/**
	 * Starts and ends a producer span for one published message, as a child of {@code parentHeaders} when
	 * given or else of the current span, and returns the headers that carry it to the consumer.
	 */
	public Map<String, String> producerHeaders(Map<String, String> parentHeaders, String name) {
		Span span = parentHeaders == null || parentHeaders.isEmpty() ? tracer.nextSpan().name(name).start()
				: propagator.extract(parentHeaders, (carrier, key) -> carrier.get(key))
					.name(name)
					.kind(Span.Kind.PRODUCER)
					.start();
		try {
			Map<String, String> headers = new HashMap<>();
			propagator.inject(span.context(), headers, Map::put);
			return headers;
		}
		finally {
			span.end();
		}
	}
}
