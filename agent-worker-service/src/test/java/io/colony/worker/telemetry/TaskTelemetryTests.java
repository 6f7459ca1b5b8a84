package io.colony.worker.telemetry;

import brave.Tracing;
import brave.context.slf4j.MDCScopeDecorator;
import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.ThreadLocalCurrentTraceContext;
import io.colony.contracts.AgentId;
import io.colony.contracts.JobId;
import io.colony.contracts.JobInput;
import io.colony.contracts.Priority;
import io.colony.contracts.TaskAssigned;
import io.colony.contracts.TaskCompleted;
import io.colony.contracts.TaskFailed;
import io.colony.contracts.TaskId;
import io.colony.contracts.TaskResult;
import io.colony.contracts.TenantId;
import io.colony.contracts.Usage;
import io.colony.platform.observability.CorrelationIds;
import io.colony.platform.observability.LogContextPropagation;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class TaskTelemetryTests {

	private final List<MutableSpan> finished = new CopyOnWriteArrayList<>();

	private Tracing tracing;

	private Tracer tracer;

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	/** One thread for every delayed step, so that tasks interleave on it as they do on an event loop. */
	private final Scheduler shared = Schedulers.newSingle("shared-loop");

	@BeforeEach
	void tracing() {
		tracing = Tracing.newBuilder()
			.currentTraceContext(ThreadLocalCurrentTraceContext.newBuilder()
				.addScopeDecorator(MDCScopeDecorator.get())
				.build())
			.addSpanHandler(new SpanHandler() {
				@Override
				public boolean end(brave.propagation.TraceContext context, MutableSpan span, Cause cause) {
					finished.add(span);
					return true;
				}
			})
			.build();
		tracer = new BraveTracer(tracing.tracer(), new BraveCurrentTraceContext(tracing.currentTraceContext()));
	}

	@AfterEach
	void close() {
		Hooks.disableAutomaticContextPropagation();
		shared.dispose();
		tracing.close();
		MDC.clear();
	}

	@Test
	void aTaskRecordsItsDurationAndItsLlmCallsTokensAndCost() {
		TaskTelemetry telemetry = new TaskTelemetry(meters, tracer, List.of("summarizer"), 10);
		TaskAssigned task = task("summarizer", "acme");

		TaskResult result = telemetry.observeTask(task, llmCall(telemetry, false).map(reply -> completed(task))).block();

		assertThat(result).isInstanceOf(TaskCompleted.class);
		assertThat(meters.get("colony.task.duration").tag("agent_type", "summarizer").tag("outcome", "succeeded").timer()
			.count()).isEqualTo(1);
		assertThat(meters.get("colony.llm.call.duration").tag("provider", "simulated").tag("model", "colony-simulated")
			.tag("outcome", "succeeded").timer().count()).isEqualTo(1);
		assertThat(meters.get("colony.llm.tokens").tag("agent_type", "summarizer").tag("tenant", "acme")
			.tag("direction", "input").counter().count()).isEqualTo(120);
		assertThat(meters.get("colony.llm.tokens").tag("direction", "output").counter().count()).isEqualTo(30);
		assertThat(meters.get("colony.llm.cost.usd").tag("agent_type", "summarizer").tag("tenant", "acme").counter()
			.count()).isEqualTo(0.25);
		assertThat(meters.get("colony.task.duration").timer().takeSnapshot().histogramCounts())
			.as("the task timer publishes buckets for histogram_quantile")
			.isNotEmpty();
	}

	@Test
	void aFailedResultOrErrorIsAFailedTaskAndACacheHitSpendsNothing() {
		TaskTelemetry telemetry = new TaskTelemetry(meters, tracer, List.of("summarizer"), 10);
		TaskAssigned task = task("summarizer", "acme");

		telemetry.observeTask(task, llmCall(telemetry, true).map(reply -> failed(task))).block();
		telemetry.observeTask(task, Mono.<TaskResult>error(new IllegalStateException("boom"))).onErrorComplete().block();

		assertThat(meters.get("colony.task.duration").tag("outcome", "failed").timer().count()).isEqualTo(2);
		assertThat(meters.find("colony.llm.call.duration").timer()).as("a cache hit is no provider call").isNull();
		assertThat(meters.find("colony.llm.tokens").counter()).isNull();
	}

	@Test
	void labelsStayBounded() {
		TaskTelemetry telemetry = new TaskTelemetry(meters, tracer, List.of("summarizer"), 1);

		TaskAssigned acme = task("summarizer", "acme");
		TaskAssigned globex = task("summarizer", "globex");
		telemetry.observeTask(acme, llmCall(telemetry, false).map(reply -> completed(acme))).block();
		telemetry.observeTask(globex, llmCall(telemetry, false).map(reply -> completed(globex))).block();
		telemetry.observeTask(task("made-up-type", "acme"), Mono.just(failed(task("made-up-type", "acme")))).block();

		assertThat(meters.get("colony.llm.tokens").tag("tenant", "other").tag("direction", "input").counter().count())
			.isEqualTo(120);
		assertThat(meters.get("colony.task.duration").tag("agent_type", "unserved").timer().count()).isEqualTo(1);
		assertThat(meters.getMeters()).allSatisfy(meter -> assertThat(meter.getId().getTags())
			.noneSatisfy(tag -> assertThat(tag.getKey()).isIn("job", "task", "job_id", "task_id")));
	}

	@Test
	void llmAndToolSpansAreChildrenOfTheTasksConsumerSpanAndCarryItsIds() {
		TaskTelemetry telemetry = new TaskTelemetry(meters, tracer, List.of("summarizer"), 10);
		TaskAssigned task = task("summarizer", "acme");
		Span consume = tracer.nextSpan().name("consume agent.summarizer").start();
		Mono<TaskResult> observed;
		try (Tracer.SpanInScope ignored = tracer.withSpan(consume)) {
			observed = telemetry.observeTask(task, llmCall(telemetry, false)
				.flatMap(reply -> telemetry.observeToolCall("memory_write", Mono.delay(Duration.ofMillis(5), shared)))
				.map(ignoredResult -> completed(task)));
		}
		observed.block();
		consume.end();

		MutableSpan chat = finished("chat colony-simulated");
		MutableSpan tool = finished("execute_tool memory_write");
		for (MutableSpan child : List.of(chat, tool)) {
			assertThat(child.parentId()).isEqualTo(consume.context().spanId());
			assertThat(child.traceId()).isEqualTo(consume.context().traceId());
			assertThat(child.tags()).containsEntry("colony.job", task.jobId().toString())
				.containsEntry("colony.task", task.taskId().toString())
				.containsEntry("colony.tenant", "acme")
				.containsEntry("colony.agent", "summarizer");
		}
		assertThat(chat.tags()).containsEntry("gen_ai.system", "simulated").containsEntry("gen_ai.usage.input_tokens", "120");
		assertThat(tool.tags()).containsEntry("gen_ai.tool.name", "memory_write");
	}

	@Test
	void eachTasksLogContextFollowsItAcrossThreadsAndNeverLeaksIntoAnother() throws Exception {
		Hooks.enableAutomaticContextPropagation();
		LogContextPropagation.register(tracer);
		TaskTelemetry telemetry = new TaskTelemetry(meters, tracer, List.of("summarizer"), 10);
		List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
		TaskAssigned first = task("summarizer", "acme");
		TaskAssigned second = task("summarizer", "globex");

		CompletableFuture<TaskResult> one = received(first, telemetry, seen, Duration.ofMillis(60));
		CompletableFuture<TaskResult> two = received(second, telemetry, seen, Duration.ofMillis(20));
		assertThat(MDC.get("taskId")).as("the consumer thread is clean once the tasks are handed over").isNull();
		CompletableFuture.allOf(one, two).get(10, TimeUnit.SECONDS);
		// Whatever runs next on the thread both tasks ran on sees neither's ids.
		Map<String, String> after = Mono.fromCallable(TaskTelemetryTests::mdc).subscribeOn(shared).block();

		assertThat(seen).hasSize(2);
		assertThat(seen).anySatisfy(mdc -> assertThat(mdc).containsEntry("taskId", first.taskId().toString())
			.containsEntry("jobId", first.jobId().toString())
			.containsEntry("tenant", "acme"));
		assertThat(seen).anySatisfy(mdc -> assertThat(mdc).containsEntry("taskId", second.taskId().toString())
			.containsEntry("tenant", "globex"));
		assertThat(seen).allSatisfy(mdc -> assertThat(mdc.get("traceId")).isNotNull());
		assertThat(seen.get(0).get("traceId")).isNotEqualTo(seen.get(1).get("traceId"));
		assertThat(after).containsEntry("taskId", null).containsEntry("jobId", null).containsEntry("traceId", null);
	}

	/** A task as the consumer receives it: in a consumer span, with its ids in the MDC, subscribed right there. */
	private CompletableFuture<TaskResult> received(TaskAssigned task, TaskTelemetry telemetry,
			List<Map<String, String>> seen, Duration latency) {
		CompletableFuture<TaskResult> done = new CompletableFuture<>();
		Span consume = tracer.nextSpan().name("consume").start();
		try (Tracer.SpanInScope inSpan = tracer.withSpan(consume);
				CorrelationIds.MdcScope inMdc = CorrelationIds.of(task, null).inMdc()) {
			Mono<TaskResult> work = Mono.delay(latency, shared).map(tick -> {
				seen.add(mdc());
				return completed(task);
			});
			telemetry.observeTask(task, work).doFinally(signal -> consume.end())
				.subscribe(done::complete, done::completeExceptionally);
		}
		return done;
	}

	private static Map<String, String> mdc() {
		java.util.HashMap<String, String> values = new java.util.HashMap<>();
		for (String key : List.of("jobId", "taskId", "tenant", "traceId")) {
			values.put(key, MDC.get(key));
		}
		return values;
	}

	private Mono<String> llmCall(TaskTelemetry telemetry, boolean cached) {
		return telemetry.observeLlmCall("simulated", "colony-simulated", Mono.delay(Duration.ofMillis(5), shared)
			.thenReturn("reply"), reply -> new LlmUsage(cached, 120, 30, cached ? BigDecimal.ZERO : new BigDecimal("0.25")));
	}

	private MutableSpan finished(String name) {
		return finished.stream()
			.filter(span -> name.equals(span.name()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no finished span '" + name + "' in " + finished));
	}

	private static TaskAssigned task(String agentType, String tenant) {
		return new TaskAssigned(JobId.random(), TaskId.random(), TenantId.of(tenant), agentType, "summarizer", 1, 3,
				"Summarize.", new JobInput("in-1", "text"), Priority.NORMAL, null, Instant.now());
	}

	private static TaskCompleted completed(TaskAssigned task) {
		return new TaskCompleted(task.jobId(), task.taskId(), task.tenant(), "in-1", 1, AgentId.of("worker-1"), "done",
				Usage.NONE, Instant.now(), Instant.now());
	}

	private static TaskFailed failed(TaskAssigned task) {
		return new TaskFailed(task.jobId(), task.taskId(), task.tenant(), "in-1", 1, AgentId.of("worker-1"), "no",
				false, true, Instant.now());
	}
}
