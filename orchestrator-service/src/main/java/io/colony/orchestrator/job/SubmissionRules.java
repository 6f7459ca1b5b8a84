package io.colony.orchestrator.job;

import io.colony.contracts.CommandRejected;
import io.colony.contracts.JobInput;
import io.colony.contracts.JobLimits;
import io.colony.contracts.ScatterGather;
import io.colony.contracts.SubmitJob;

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

	private SubmissionRules() {
	}

	sealed interface Verdict {
	}

	/** @param deadline relative to acceptance */
	record Valid(ScatterGather spec, int maxAttempts, Duration deadline) implements Verdict {
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
		if (!(command.spec() instanceof ScatterGather spec)) {
			problems.add("spec is required (pattern scatter-gather)");
			return new Invalid(Rejections.invalidJob(String.join("; ", problems)));
		}
		if (spec.agent() == null || spec.agent().isBlank()) {
			problems.add("agent must not be blank");
		}
		if (spec.model() != null && (spec.model().isBlank() || spec.model().length() > MAX_MODEL_LENGTH)) {
			problems.add("model must be 1 to " + MAX_MODEL_LENGTH + " characters and not blank");
		}
		checkInputs(spec.inputs(), properties.maxTasks(), problems);
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
		if (!problems.isEmpty()) {
			return new Invalid(Rejections.invalidJob(String.join("; ", problems)));
		}
		return new Valid(spec, maxAttempts, deadline);
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
