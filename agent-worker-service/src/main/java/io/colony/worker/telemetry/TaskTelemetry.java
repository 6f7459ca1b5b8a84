package io.colony.worker.telemetry;

import io.colony.contracts.Priority;
import io.colony.contracts.TaskAssigned;
import io.colony.contracts.TaskCompleted;
import io.colony.contracts.TaskResult;
import io.colony.platform.metrics.BoundedTagValues;
import io.colony.platform.observability.CorrelationIds;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Metrics and spans of the agent runtime:
 * <ul>
 * <li>{@code colony.task.duration{agent_type,outcome}}: from a task's start to its result (outcome {@code succeeded}
 * or {@code failed}; a task stopped by its job's cancellation or handed back on shutdown is not counted);</li>
 * <li>{@code colony.llm.call.duration{provider,model,outcome}}: each provider call, cache hits excluded;</li>
 * <li>{@code colony.llm.tokens{agent_type,tenant,direction}} and {@code colony.llm.cost.usd{agent_type,tenant}}: what
 * the provider calls used, counted as they return (a long task's spend shows while it runs);</li>
 * <li>a span per LLM call ({@code chat <model>}) and per tool call ({@code execute_tool <tool>}), children of the
 * task's consumer span and tagged like it with {@code colony.job}, {@code colony.task}, {@code colony.agent},
 * {@code colony.tenant}.</li>
 * </ul>
 * Labels stay bounded: agent types are those this worker serves (others are {@code unserved}); tenants and models
 * are capped by {@code colony.metrics.max-tag-values}; job and task ids are never labels.
 *
 * <p>{@link #observeTask} puts what the LLM and tool calls need (the parent span, the labels) into the task's
 * Reactor context and captures the thread's MDC and span there, so that every log line of the task, on whatever
 * thread, carries its ids, and none carries another task's.
 */
public final class TaskTelemetry {

	public static final String TASK_DURATION = "colony.task.duration";

	public static final String LLM_CALL_DURATION = "colony.llm.call.duration";

	public static final String LLM_TOKENS = "colony.llm.tokens";

	public static final String LLM_COST = "colony.llm.cost.usd";

	static final String UNSERVED = "unserved";

	/** Buckets of the task timer: agent tasks take from a fraction of a second to many minutes. */
	private static final Duration[] TASK_BUCKETS = seconds(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800);

	/** Buckets of the LLM call timer. */
	private static final Duration[] LLM_BUCKETS = seconds(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120);

	/** What a task's chain carries in its Reactor context for the calls made under it. */
	private record TaskScope(Span span, String agentType, String tenant, Map<String, String> spanTags) {
	}

	private final MeterRegistry meters;

	private final Tracer tracer;

	private final Set<String> servedAgentTypes;

	private final BoundedTagValues tenants;

	private final BoundedTagValues models;

	private final Map<String, Timer> timers = new ConcurrentHashMap<>();

	private final Map<String, Counter> counters = new ConcurrentHashMap<>();

	public TaskTelemetry(MeterRegistry meters, Tracer tracer, Collection<String> servedAgentTypes, int maxTagValues) {
		this.meters = meters;
		this.tracer = tracer;
		this.servedAgentTypes = Set.copyOf(servedAgentTypes);
		this.tenants = new BoundedTagValues(maxTagValues);
		this.models = new BoundedTagValues(maxTagValues);
	}

	/** Records nothing and starts no span: for loops run outside a worker (tests). */
	public static TaskTelemetry disabled() {
		return new TaskTelemetry(new CompositeMeterRegistry(), Tracer.NOOP, Set.of(), 1);
	}

	/**
	 * Observes one task's work. Call it where the task is received, on the consumer's thread: the span current
	 * there (the task's consumer span) becomes the parent of the task's LLM and tool spans.
	 */
	public Mono<TaskResult> observeTask(TaskAssigned task, Mono<TaskResult> work) {
		String agentType = servedAgentTypes.contains(task.agentType()) ? task.agentType() : UNSERVED;
		String tenant = tenants.of(task.tenant() == null ? null : task.tenant().value());
		TaskScope scope = new TaskScope(tracer.currentSpan(), agentType, tenant, CorrelationIds.of(task, null).tags());
		return Mono.defer(() -> {
			long startedAt = System.nanoTime();
			return work
				.doOnNext(result -> taskTimer(agentType, result instanceof TaskCompleted ? "succeeded" : "failed")
					.record(System.nanoTime() - startedAt, TimeUnit.NANOSECONDS))
				.doOnError(error -> taskTimer(agentType, "failed").record(System.nanoTime() - startedAt,
						TimeUnit.NANOSECONDS));
		})
			// The task's priority rides along for the LLM concurrency limiter (AdaptiveConcurrency orders waiting calls
			// by it). One contextWrite, upstream of the capture: with automatic context propagation every contextWrite
			// restores thread locals from its Context, and one written downstream of the capture would clear the MDC
			// before it is captured.
			.contextWrite(context -> context.put(TaskScope.class, scope)
				.put(Priority.class, task.priority() == null ? Priority.NORMAL : task.priority()))
			.contextCapture();
	}

	/**
	 * Observes one LLM call of a task: a {@code chat <model>} span, its duration, and the tokens and dollars it
	 * used. A reply from the response cache gets a span (it is a step of the loop) but no duration or spend.
	 */
	public <T> Mono<T> observeLlmCall(String provider, String model, Mono<T> call, Function<T, LlmUsage> usageOf) {
		return Mono.deferContextual(context -> {
			TaskScope scope = context.getOrDefault(TaskScope.class, null);
			String modelTag = models.of(model);
			Span span = childSpan(scope, "chat " + modelTag)
				.tag("gen_ai.operation.name", "chat")
				.tag("gen_ai.system", provider)
				.tag("gen_ai.request.model", model);
			long startedAt = System.nanoTime();
			// The span ends before the outcome travels on, so whoever waits for the call finds it finished.
			return call.doOnSuccess(value -> {
				if (value != null) {
					LlmUsage usage = usageOf.apply(value);
					span.tag("gen_ai.usage.input_tokens", Long.toString(usage.inputTokens()))
						.tag("gen_ai.usage.output_tokens", Long.toString(usage.outputTokens()))
						.tag("colony.llm.cached", Boolean.toString(usage.cached()));
					if (!usage.cached()) {
						llmTimer(provider, modelTag, "succeeded").record(System.nanoTime() - startedAt,
								TimeUnit.NANOSECONDS);
						recordSpend(scope, usage);
					}
				}
				span.end();
			}).doOnError(error -> {
				llmTimer(provider, modelTag, "failed").record(System.nanoTime() - startedAt, TimeUnit.NANOSECONDS);
				span.error(error);
				span.end();
			}).doOnCancel(span::end);
		});
	}

	/** Observes one tool call of a task: an {@code execute_tool <tool>} span. */
	public <T> Mono<T> observeToolCall(String tool, Mono<T> call) {
		return Mono.deferContextual(context -> {
			Span span = childSpan(context.getOrDefault(TaskScope.class, null), "execute_tool " + tool)
				.tag("gen_ai.operation.name", "execute_tool")
				.tag("gen_ai.tool.name", tool);
			return call.doOnSuccess(value -> span.end()).doOnError(error -> {
				span.error(error);
				span.end();
			}).doOnCancel(span::end);
		});
	}

	private Span childSpan(TaskScope scope, String name) {
		if (scope == null || scope.span() == null) {
			return Span.NOOP;
		}
		Span span = tracer.nextSpan(scope.span()).name(name).start();
		scope.spanTags().forEach(span::tag);
		return span;
	}

	private void recordSpend(TaskScope scope, LlmUsage usage) {
		String agentType = scope == null ? BoundedTagValues.UNKNOWN : scope.agentType();
		String tenant = scope == null ? BoundedTagValues.UNKNOWN : scope.tenant();
		counter(LLM_TOKENS, "Tokens the LLM calls of an agent type used for a tenant", agentType, tenant, "input")
			.increment(usage.inputTokens());
		counter(LLM_TOKENS, "Tokens the LLM calls of an agent type used for a tenant", agentType, tenant, "output")
			.increment(usage.outputTokens());
		counter(LLM_COST, "Dollars the LLM calls of an agent type cost a tenant, at the price table", agentType,
				tenant, null)
			.increment(usage.costUsd() == null ? 0 : usage.costUsd().doubleValue());
	}

	private Timer taskTimer(String agentType, String outcome) {
		return timers.computeIfAbsent(TASK_DURATION + '|' + agentType + '|' + outcome, key -> Timer.builder(TASK_DURATION)
			.description("Time from a task's start on a worker to its result")
			.tag("agent_type", agentType)
			.tag("outcome", outcome)
			.serviceLevelObjectives(TASK_BUCKETS)
			.register(meters));
	}

	private Timer llmTimer(String provider, String model, String outcome) {
		return timers.computeIfAbsent(LLM_CALL_DURATION + '|' + provider + '|' + model + '|' + outcome,
				key -> Timer.builder(LLM_CALL_DURATION)
					.description("Time an LLM provider took to answer one call (the whole streamed answer)")
					.tag("provider", provider)
					.tag("model", model)
					.tag("outcome", outcome)
					.serviceLevelObjectives(LLM_BUCKETS)
					.register(meters));
	}

	private Counter counter(String name, String description, String agentType, String tenant, String direction) {
		String key = name + '|' + agentType + '|' + tenant + '|' + direction;
		return counters.computeIfAbsent(key, ignored -> {
			Counter.Builder builder = Counter.builder(name)
				.description(description)
				.tag("agent_type", agentType)
				.tag("tenant", tenant);
			if (direction != null) {
				builder.tag("direction", direction);
			}
			return builder.register(meters);
		});
	}

	private static Duration[] seconds(double... values) {
		Duration[] durations = new Duration[values.length];
		for (int i = 0; i < values.length; i++) {
			durations[i] = Duration.ofNanos((long) (values[i] * 1e9));
		}
		return durations;
	}
}
