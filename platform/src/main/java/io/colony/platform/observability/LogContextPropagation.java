package io.colony.platform.observability;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.integration.Slf4jThreadLocalAccessor;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.contextpropagation.ObservationAwareSpanThreadLocalAccessor;

/**
 * Registers what Reactor's automatic context propagation carries from the thread that subscribed to a chain to
 * every thread that later runs a piece of it (a timer, a Netty event loop): the MDC's correlation ids
 * ({@link CorrelationIds#MDC_KEYS}) and the current span, which puts {@code traceId}/{@code spanId} into the MDC.
 * A chain captures them with {@code contextCapture()} where it is subscribed (an agent's task, inside the
 * message handler); Reactor restores them around each signal and removes them afterwards, so ids never leak from
 * one task to another sharing a thread.
 *
 * <p>The registry is the process's global one: registering again (another application context in a test JVM)
 * replaces the accessors by key.
 */
public final class LogContextPropagation {

	private LogContextPropagation() {
	}

	public static LogContextPropagation register(Tracer tracer) {
		ContextRegistry registry = ContextRegistry.getInstance();
		registry.registerThreadLocalAccessor(new Slf4jThreadLocalAccessor(CorrelationIds.MDC_KEYS.toArray(String[]::new)));
		if (tracer != null && tracer != Tracer.NOOP) {
			registry.registerThreadLocalAccessor(new ObservationAwareSpanThreadLocalAccessor(tracer));
		}
		return new LogContextPropagation();
	}
}
