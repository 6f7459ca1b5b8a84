package io.colony.worker.agent;

import io.colony.contracts.AgentStep;
import io.colony.contracts.TaskAssigned;
import io.colony.contracts.TaskBudget;
import io.colony.contracts.Usage;
import io.colony.worker.catalog.AgentType;
import io.colony.worker.llm.LlmFailure;
import io.colony.worker.llm.LlmFailures;
import io.colony.worker.telemetry.LlmUsage;
import io.colony.worker.telemetry.TaskTelemetry;
import io.colony.worker.tool.AgentTool;
import io.colony.worker.tool.ToolFailure;
import io.colony.worker.tool.ToolInvocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The agent loop: LLM → tool calls → LLM … until the model answers without calling a tool, or a limit
 * stops it (steps, tokens, the task's budget, time). Every step is recorded and returned with the outcome.
 *
 * <p>Nothing here holds a thread while waiting: model calls and tools return {@link Mono}s, and the loop is
 * a chain of them. A tool's failure is fed back to the model as the tool's result ("error: …"), so the model
 * may recover; a provider's failure stops the loop (retryable or not, as {@link LlmFailures} decides).
 *
 * <p>Limits are checked before each step: a step that would start past the step limit, or an LLM call whose
 * estimated prompt alone would cross the token or cost limit, is not made. An answer that crosses a limit
 * while it is produced is still used when it is final (its tokens are spent either way), but its tool calls
 * are not run.
 */
public final class AgentLoop {

	private static final Logger log = LoggerFactory.getLogger(AgentLoop.class);

	/** Tool results longer than this are cut, so that one tool cannot fill the model's context. */
	static final int MAX_TOOL_RESULT_CHARS = 16_000;

	private final Models models;

	private final ModelCalls calls;

	private final ToolBox tools;

	private final Pricing pricing;

	private final TaskTelemetry telemetry;

	public AgentLoop(Models models, CallGuard guard, int cacheEntries, Duration cacheTtl, Duration llmTimeout, ToolBox tools,
			Pricing pricing) {
		this(models, guard, cacheEntries, cacheTtl, llmTimeout, tools, pricing, TaskTelemetry.disabled());
	}

	/** @param telemetry spans and metrics of each LLM and tool call */
	public AgentLoop(Models models, CallGuard guard, int cacheEntries, Duration cacheTtl, Duration llmTimeout, ToolBox tools,
			Pricing pricing, TaskTelemetry telemetry) {
		this(models, new ModelCalls(guard, new ResponseCache(cacheEntries, cacheTtl, java.time.Clock.systemUTC()), llmTimeout),
				tools, pricing, telemetry);
	}

	AgentLoop(Models models, ModelCalls calls, ToolBox tools, Pricing pricing) {
		this(models, calls, tools, pricing, TaskTelemetry.disabled());
	}

	AgentLoop(Models models, ModelCalls calls, ToolBox tools, Pricing pricing, TaskTelemetry telemetry) {
		this.models = models;
		this.calls = calls;
		this.tools = tools;
		this.pricing = pricing;
		this.telemetry = telemetry;
	}

	public Models models() {
		return models;
	}

	public Mono<LoopOutcome> run(TaskAssigned task, AgentType type) {
		String modelName = task.model() != null ? task.model() : type.model();
		ResolvedModel model = models.resolve(modelName).orElse(null);
		if (model == null) {
			return Mono.just(new LoopOutcome.Stopped("model '" + modelName + "' is not in this worker's catalog",
					false, Usage.NONE, List.of()));
		}
		Run run = new Run(task, type, model, tools.offeredTo(type));
		return Mono.defer(run::next)
			.timeout(type.limits().timeout(), Mono.fromSupplier(() -> run.stop(
					"time limit of " + type.limits().timeout() + " reached before a final answer", true)));
	}

	/** One loop's state. Steps run one after another, so it is confined to one step at a time. */
	private final class Run {

		private final TaskAssigned task;

		private final AgentType type;

		private final ResolvedModel model;

		private final ToolBox.Offer offered;

		private final ToolCallingChatOptions options;

		private final List<Message> messages = new ArrayList<>();

		/** Written by the loop's steps, read by the time limit's fallback on a timer thread. */
		private final List<AgentStep> steps = new java.util.concurrent.CopyOnWriteArrayList<>();

		private final long maxTokens;

		private final BigDecimal maxCost;

		private volatile Usage usage = Usage.NONE;

		private int toolCallNumber;

		Run(TaskAssigned task, AgentType type, ResolvedModel model, ToolBox.Offer offered) {
			this.task = task;
			this.type = type;
			this.model = model;
			this.offered = offered;
			TaskBudget budget = task.budget();
			this.maxTokens = budget != null && budget.maxTokens() != null
					? Math.min(budget.maxTokens(), type.limits().maxTokens()) : type.limits().maxTokens();
			this.maxCost = budget == null ? null : budget.maxCostUsd();
			ToolCallingChatOptions.Builder<?> builder = ToolCallingChatOptions.builder().model(model.id());
			if (model.temperature() != null) {
				builder.temperature(model.temperature());
			}
			if (model.maxTokens() != null) {
				builder.maxTokens(model.maxTokens());
			}
			if (!offered.tools().isEmpty()) {
				builder.toolCallbacks(offered.definitions());
			}
			this.options = builder.build();
			if (!type.systemPrompt().isBlank()) {
				messages.add(new SystemMessage(type.systemPrompt()));
			}
			String instruction = task.instruction() == null ? "" : task.instruction();
			String input = task.input() == null || task.input().content() == null ? "" : task.input().content();
			messages.add(new UserMessage(instruction + "\n\n" + input));
		}

		Mono<LoopOutcome> next() {
			if (steps.size() >= type.limits().maxSteps()) {
				return Mono.just(stop("step limit of " + type.limits().maxSteps() + " reached before a final answer", false));
			}
			Prompt prompt = new Prompt(List.copyOf(messages), options);
			long estimate = ModelCalls.estimateTokens(prompt);
			if (usage.totalTokens() + estimate > maxTokens) {
				return Mono.just(stop("token limit of " + maxTokens + " reached (" + usage.totalTokens()
						+ " used, the next call needs about " + estimate + ")", false));
			}
			if (maxCost != null && usage.costUsd().add(pricing.cost(model.id(), estimate, 0)).compareTo(maxCost) > 0) {
				return Mono.just(stop("cost limit of $" + maxCost.toPlainString() + " reached ($"
						+ usage.costUsd().toPlainString() + " spent)", false));
			}
			long startedAt = System.nanoTime();
			return telemetry.observeLlmCall(model.provider(), model.id(), calls.ask(model, prompt), reply -> new LlmUsage(
					reply.cached(), reply.promptTokens(), reply.completionTokens(),
					reply.cached() ? BigDecimal.ZERO : pricing.cost(model.id(), reply.promptTokens(), reply.completionTokens())))
				.materialize()
				.flatMap(signal -> {
				if (signal.hasValue()) {
					return afterModel(signal.get(), millisSince(startedAt));
				}
				Throwable error = signal.isOnError() ? signal.getThrowable()
						: new IllegalStateException("the model returned no answer");
				LlmFailure failure = LlmFailures.classify(error, calls.timeout());
				steps.add(new AgentStep(steps.size() + 1, AgentStep.LLM, model.id(), 0, 0, BigDecimal.ZERO,
						millisSince(startedAt), false, failure.reason()));
				usage = usage.plus(new Usage(0, 0, 1));
				return Mono.just(stop(failure.reason(), failure.retryable()));
			});
		}

		private Mono<LoopOutcome> afterModel(ModelReply reply, long latencyMs) {
			BigDecimal cost = reply.cached() ? BigDecimal.ZERO
					: pricing.cost(model.id(), reply.promptTokens(), reply.completionTokens());
			steps.add(new AgentStep(steps.size() + 1, AgentStep.LLM, model.id(), reply.promptTokens(),
					reply.completionTokens(), cost, latencyMs, reply.cached(), null));
			usage = usage.plus(new Usage(reply.promptTokens(), reply.completionTokens(), 1, 0, cost));
			AssistantMessage answer = reply.message();
			if (!answer.hasToolCalls()) {
				return Mono.just(new LoopOutcome.Answered(answer.getText() == null ? "" : answer.getText(), usage,
						List.copyOf(steps)));
			}
			if (usage.totalTokens() > maxTokens) {
				return Mono.just(stop("token limit of " + maxTokens + " reached (" + usage.totalTokens() + " used)", false));
			}
			if (maxCost != null && usage.costUsd().compareTo(maxCost) > 0) {
				return Mono.just(stop("cost limit of $" + maxCost.toPlainString() + " reached ($"
						+ usage.costUsd().toPlainString() + " spent)", false));
			}
			messages.add(answer);
			List<AssistantMessage.ToolCall> requested = answer.getToolCalls();
			int room = type.limits().maxSteps() - steps.size();
			if (requested.size() > room) {
				return Mono.just(stop("step limit of " + type.limits().maxSteps() + " reached: the model asked for "
						+ requested.size() + " tool call(s) with " + room + " step(s) left", false));
			}
			int firstStep = steps.size() + 1;
			int firstCall = toolCallNumber + 1;
			toolCallNumber += requested.size();
			return Flux.range(0, requested.size())
				.flatMapSequential(i -> invoke(requested.get(i), firstStep + i, firstCall + i))
				.collectList()
				.flatMap(results -> {
					List<ToolResponseMessage.ToolResponse> responses = new ArrayList<>(results.size());
					for (ToolOutcome result : results) {
						steps.add(result.step());
						responses.add(result.response());
					}
					usage = usage.plus(new Usage(0, 0, 0, results.size(), BigDecimal.ZERO));
					messages.add(ToolResponseMessage.builder().responses(responses).build());
					return next();
				});
		}

		private Mono<ToolOutcome> invoke(AssistantMessage.ToolCall call, int stepNumber, int callNumber) {
			AgentTool tool = offered.named(call.name());
			long startedAt = System.nanoTime();
			if (tool == null) {
				String error = "unknown tool '" + call.name() + "'"
						+ (offered.tools().isEmpty() ? ": this agent has no tools" : "; available: " + offered.names());
				return Mono.just(toolOutcome(call, stepNumber, startedAt, null, error));
			}
			ToolInvocation invocation = new ToolInvocation(task.jobId(), task.taskId(), task.tenant(), task.attempt(),
					callNumber, call.arguments() == null ? "{}" : call.arguments());
			return telemetry.observeToolCall(tool.name(), Mono.defer(() -> tool.call(invocation)))
				.map(result -> toolOutcome(call, stepNumber, startedAt, result, null))
				.switchIfEmpty(Mono.fromSupplier(() -> toolOutcome(call, stepNumber, startedAt, "", null)))
				.onErrorResume(error -> Mono.just(toolOutcome(call, stepNumber, startedAt, null, describe(tool, error))));
		}

		private ToolOutcome toolOutcome(AssistantMessage.ToolCall call, int stepNumber, long startedAt, String result,
				String error) {
			AgentStep step = new AgentStep(stepNumber, AgentStep.TOOL, call.name(), 0, 0, BigDecimal.ZERO,
					millisSince(startedAt), false, error);
			String data = error != null ? "error: " + error : truncate(result);
			return new ToolOutcome(step, new ToolResponseMessage.ToolResponse(call.id(), call.name(), data));
		}

		LoopOutcome.Stopped stop(String reason, boolean retryable) {
			log.debug("task {} of job {}: agent loop stopped: {}", task.taskId(), task.jobId(), reason);
			return new LoopOutcome.Stopped(reason, retryable, usage, List.copyOf(steps));
		}
	}

	private record ToolOutcome(AgentStep step, ToolResponseMessage.ToolResponse response) {
	}

	static String describe(AgentTool tool, Throwable error) {
		if (error instanceof ToolFailure failure) {
			return failure.getMessage();
		}
		if (error instanceof TimeoutException) {
			return "tool '" + tool.name() + "' timed out";
		}
		return "tool '" + tool.name() + "' failed (" + error.getClass().getSimpleName() + ")";
	}

	static String truncate(String result) {
		return result.length() <= MAX_TOOL_RESULT_CHARS ? result
				: result.substring(0, MAX_TOOL_RESULT_CHARS) + "\n[truncated: " + result.length() + " characters in all]";
	}

	private static long millisSince(long startedAtNanos) {
		return Duration.ofNanos(System.nanoTime() - startedAtNanos).toMillis();
	}
}
