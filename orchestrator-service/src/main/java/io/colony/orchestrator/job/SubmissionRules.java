package io.colony.orchestrator.job;

import io.colony.contracts.CommandRejected;
import io.colony.contracts.Destinations;
import io.colony.contracts.JobInput;
import io.colony.contracts.JobLimits;
import io.colony.contracts.JobSpec;
import io.colony.contracts.NoAgentPolicy;
import io.colony.contracts.Pipeline;
import io.colony.contracts.PipelineStage;
import io.colony.contracts.PlanLimits;
import io.colony.contracts.ScatterGather;
import io.colony.contracts.SubmitJob;
import io.colony.contracts.Supervisor;
import io.colony.orchestrator.pipeline.PipelineTasks;
import io.colony.orchestrator.supervisor.PlanParser;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a {@link SubmitJob} and resolves its limits against the orchestrator's defaults. The gateway
 * validates the same rules; these run again because the queue is open to any service.
 */
final class SubmissionRules {

	private static final int MAX_REPORTED_PROBLEMS = 5;

	static final int MAX_MODEL_LENGTH = 200;

	static final int MAX_STAGES = 20;

	static final int MAX_SPECIALISTS = PlanLimits.MAX_SPECIALISTS;

	static final int MAX_CONCURRENCY_LIMIT = 10_000;

	private SubmissionRules() {
	}

	sealed interface Verdict {
	}

	/** @param deadline relative to acceptance */
	record Valid(JobSpec spec, int maxAttempts, Duration deadline) implements Verdict {
	}

	record Invalid(CommandRejected rejection) implements Verdict {
	}

	static Verdict check(SubmitJob command, JobProperties properties) {
		List<String> problems = new ArrayList<>();
		if (command.jobId() == null) {
			problems.add("jobId is required");
		}
		if (command.tenant() == null) {
			problems.add("tenant is required");
		}
		if (command.idempotencyKey() != null && (command.idempotencyKey().isBlank() || command.idempotencyKey().length() > 255)) {
			problems.add("idempotencyKey must be 1 to 255 characters");
		}
		JobSpec spec = command.spec();
		switch (spec) {
			case null -> {
				problems.add("spec is required (pattern scatter-gather, pipeline or supervisor)");
				return new Invalid(Rejections.invalidJob(String.join("; ", problems)));
			}
			case ScatterGather scatter -> {
				if (scatter.agent() == null || scatter.agent().isBlank()) {
					problems.add("agent must not be blank");
				}
				checkInputs(scatter.inputs(), properties.maxTasks(), problems);
			}
			case Pipeline pipeline -> checkPipeline(pipeline, properties.maxTasks(), problems);
			case Supervisor supervisor -> checkSupervisor(supervisor, problems);
		}
		if (spec.model() != null && (spec.model().isBlank() || spec.model().length() > MAX_MODEL_LENGTH)) {
			problems.add("model must be 1 to " + MAX_MODEL_LENGTH + " characters and not blank");
		}
		JobLimits limits = spec.limits();
		int maxAttempts = limits.maxAttempts() == null ? properties.maxAttempts() : limits.maxAttempts();
		if (maxAttempts < 1 || maxAttempts > JobProperties.MAX_ATTEMPTS_LIMIT) {
			problems.add("limits.maxAttempts must be between 1 and " + JobProperties.MAX_ATTEMPTS_LIMIT);
		}
		Duration deadline = limits.deadline() == null ? properties.defaultDeadline() : limits.deadline();
		if (deadline.isNegative() || deadline.isZero()) {
			problems.add("limits.deadline must be positive");
		}
		else if (deadline.compareTo(properties.maxDeadline()) > 0) {
			problems.add("limits.deadline must be at most " + properties.maxDeadline());
		}
		if (limits.maxTokens() != null && limits.maxTokens() < 1) {
			problems.add("limits.maxTokens must be positive");
		}
		if (limits.maxCostUsd() != null && limits.maxCostUsd().signum() <= 0) {
			problems.add("limits.maxCostUsd must be positive");
		}
		if (limits.maxConcurrency() != null
				&& (limits.maxConcurrency() < 1 || limits.maxConcurrency() > MAX_CONCURRENCY_LIMIT)) {
			problems.add("limits.maxConcurrency must be between 1 and " + MAX_CONCURRENCY_LIMIT);
		}
		if (limits.successRatio() != null
				&& (limits.successRatio().signum() <= 0 || limits.successRatio().compareTo(BigDecimal.ONE) > 0)) {
			problems.add("limits.successRatio must be greater than 0 and at most 1");
		}
		if (!problems.isEmpty()) {
			return new Invalid(Rejections.invalidJob(String.join("; ", problems)));
		}
		return new Valid(spec, maxAttempts, deadline);
	}

	private static void checkPipeline(Pipeline spec, int maxTasks, List<String> problems) {
		List<PipelineStage> stages = spec.stages();
		if (stages.isEmpty() || stages.size() > MAX_STAGES) {
			problems.add("stages must contain 1 to " + MAX_STAGES + " stages, got " + stages.size());
		}
		else {
			Set<String> names = new HashSet<>();
			for (int i = 0; i < stages.size(); i++) {
				PipelineStage stage = stages.get(i);
				if (stage == null) {
					problems.add("stages[" + i + "] must not be null");
					continue;
				}
				if (stage.agent() == null || stage.agent().isBlank()) {
					problems.add("stages[" + i + "].agent must not be blank");
				}
				if (stage.instruction() == null || stage.instruction().isBlank()) {
					problems.add("stages[" + i + "].instruction must not be blank");
				}
				if (stage.name() != null && !Destinations.isValidCapability(stage.name())) {
					problems.add("stages[" + i + "].name must be 1 to 64 lower-case letters, digits or dashes");
				}
				else if (!names.add(PipelineTasks.stageName(spec, i))) {
					problems.add("stages[" + i + "].name '" + PipelineTasks.stageName(spec, i) + "' is not unique");
				}
			}
		}
		checkInputs(spec.inputs(), maxTasks, problems);
		if (problems.isEmpty() && spec.taskCount() > maxTasks) {
			problems.add("the pipeline would run " + spec.taskCount() + " tasks, more than the " + maxTasks
					+ " allowed");
		}
		if (spec.whenNoAgent() == NoAgentPolicy.HOLD) {
			problems.add("whenNoAgent hold is supported for scatter-gather jobs only");
		}
	}

	private static void checkSupervisor(Supervisor spec, List<String> problems) {
		if (spec.supervisor() == null || spec.supervisor().isBlank()) {
			problems.add("supervisor must not be blank");
		}
		if (spec.instruction() == null || spec.instruction().isBlank()) {
			problems.add("instruction must not be blank");
		}
		if (spec.input() == null) {
			problems.add("input is required");
		}
		else {
			if (spec.input().id() == null || spec.input().id().isBlank()) {
				problems.add("input.id must not be blank");
			}
			if (spec.input().content() == null) {
				problems.add("input.content is required");
			}
		}
		if (spec.specialists().size() > MAX_SPECIALISTS) {
			problems.add("specialists must list at most " + MAX_SPECIALISTS + " agent types");
		}
		for (int i = 0; i < spec.specialists().size() && i < MAX_SPECIALISTS; i++) {
			String specialist = spec.specialists().get(i);
			if (!Destinations.isValidCapability(specialist)) {
				problems.add("specialists[" + i + "] must be 1 to 64 lower-case letters, digits or dashes");
			}
			else if (specialist.equals(spec.supervisor())) {
				problems.add("specialists[" + i + "] must not be the supervisor's own type");
			}
		}
		PlanLimits plan = spec.plan();
		if (plan.maxSubtasks() != null
				&& (plan.maxSubtasks() < 1 || plan.maxSubtasks() > PlanParser.MAX_SUBTASKS_LIMIT)) {
			problems.add("plan.maxSubtasks must be between 1 and " + PlanParser.MAX_SUBTASKS_LIMIT);
		}
		if (plan.maxDepth() != null && (plan.maxDepth() < 1 || plan.maxDepth() > PlanParser.MAX_DEPTH_LIMIT)) {
			problems.add("plan.maxDepth must be between 1 and " + PlanParser.MAX_DEPTH_LIMIT);
		}
		if (spec.whenNoAgent() == NoAgentPolicy.HOLD) {
			problems.add("whenNoAgent hold is supported for scatter-gather jobs only");
		}
	}

	private static void checkInputs(List<JobInput> inputs, int maxTasks, List<String> problems) {
		if (inputs.isEmpty()) {
			problems.add("inputs must contain at least one input");
			return;
		}
		if (inputs.size() > maxTasks) {
			problems.add("inputs must contain at most " + maxTasks + " inputs, got " + inputs.size());
			return;
		}
		Set<String> seen = new HashSet<>(inputs.size() * 2);
		int reported = 0;
		for (int i = 0; i < inputs.size() && reported < MAX_REPORTED_PROBLEMS; i++) {
			JobInput input = inputs.get(i);
			if (input == null || input.id() == null || input.id().isBlank()) {
				problems.add("inputs[" + i + "].id must not be blank");
				reported++;
			}
			else if (!seen.add(input.id())) {
				problems.add("inputs[" + i + "].id '" + input.id() + "' is not unique");
				reported++;
			}
		}
	}
}
