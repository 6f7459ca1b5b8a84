package io.colony.gateway.job;

import java.math.BigDecimal;
import java.util.List;

/**
 * The public bodies of {@code POST /api/v1/jobs}, one per pattern, exactly as clients send them. Each body names
 * only its own pattern's fields, so that a field of another pattern (a pipeline with an {@code agent}) is an
 * unknown field. Values stay strings here so that a bad {@code priority} or {@code deadline} gets a message naming
 * the field and the accepted values rather than a parser error; {@link JobRequestParser} turns a body into a
 * {@code JobSpec}.
 */
sealed interface JobRequest {

	ReduceBlock reduce();

	String priority();

	Limits limits();

	String model();

	String whenNoAgent();

	/** {@code "pattern": "scatter-gather"}, the default. */
	record ScatterGatherBody(String pattern, String agent, String instruction, List<Input> inputs, ReduceBlock reduce,
			String priority, Limits limits, String model, String whenNoAgent) implements JobRequest {
	}

	/** {@code "pattern": "pipeline"}. */
	record PipelineBody(String pattern, List<Input> inputs, List<Stage> stages, ReduceBlock reduce, String priority,
			Limits limits, String model, String whenNoAgent) implements JobRequest {
	}

	/** {@code "pattern": "supervisor"}. */
	record SupervisorBody(String pattern, String supervisor, String instruction, Input input,
			List<String> specialists, Plan plan, ReduceBlock reduce, String priority, Limits limits, String model,
			String whenNoAgent) implements JobRequest {
	}

	record Input(String id, String content) {
	}

	record Stage(String name, String agent, String instruction, String fanOut) {
	}

	record Plan(Integer maxSubtasks, Integer maxDepth) {
	}

	record ReduceBlock(String strategy) {
	}

	record Limits(String deadline, Integer maxAttempts, Long maxTokens, BigDecimal maxCostUsd, Integer maxConcurrency,
			BigDecimal successRatio) {
	}
}
