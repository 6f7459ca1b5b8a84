package io.colony.orchestrator.budget;

import io.colony.contracts.FanOut;
import io.colony.contracts.JobInput;
import io.colony.contracts.JobSpec;
import io.colony.contracts.Pipeline;
import io.colony.contracts.PipelineStage;
import io.colony.contracts.ScatterGather;
import io.colony.contracts.Supervisor;
import io.colony.platform.pricing.PriceTable;
import io.colony.platform.pricing.TokenEstimate;
import io.colony.platform.pricing.Usd;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * The least a job can spend, known before anything runs: every task sends at least its instruction and its
 * input to the model, and a tokenizer makes at least about one token of every word, so the words of both,
 * summed over the tasks, bound the prompt tokens from below. System prompts, tool calls and completions only
 * add to it. Only the tasks known to run first count: a pipeline's first stage (one task per input, or one over
 * all inputs for a {@code once} stage), a supervisor's planning task; later tasks' inputs are outputs not yet known.
 * Pure; no I/O.
 *
 * @param promptTokens the estimated prompt tokens of all tasks together
 * @param model the model the estimate was priced at, or {@code null}
 * @param costUsd those tokens at the model's input price; {@code null} when the model is unknown or unpriced
 */
public record MinimumCost(int tasks, long promptTokens, String model, BigDecimal costUsd) {

	/**
	 * @param model the model the tasks will run on (the job's override, else the agent type's), or {@code null}
	 * when not known
	 */
	public static MinimumCost of(JobSpec spec, String model, PriceTable prices) {
		int tasks;
		long tokens = 0;
		switch (spec) {
			case ScatterGather scatter -> {
				long instructionWords = words(scatter.instruction());
				for (JobInput input : scatter.inputs()) {
					tokens += instructionWords + words(input.content());
				}
				tasks = scatter.inputs().size();
			}
			case Pipeline pipeline -> {
				PipelineStage first = pipeline.stages().getFirst();
				long instructionWords = words(first.instruction());
				for (JobInput input : pipeline.inputs()) {
					tokens += words(input.content()) + (first.fanOut() == FanOut.ONCE ? 0 : instructionWords);
				}
				tasks = first.fanOut() == FanOut.ONCE ? 1 : pipeline.inputs().size();
				tokens += first.fanOut() == FanOut.ONCE ? instructionWords : 0;
			}
			case Supervisor supervisor -> {
				tokens = words(supervisor.instruction()) + words(supervisor.input().content());
				tasks = 1;
			}
		}
		boolean priced = prices.isPriced(model);
		return new MinimumCost(tasks, tokens, priced ? model : null, priced ? prices.cost(model, tokens, 0) : null);
	}

	/** Whitespace-separated words, as every pre-call estimate counts them. */
	static long words(String text) {
		return TokenEstimate.words(text);
	}

	/**
	 * Why the job cannot stay within {@code maxTokens} / {@code maxCostUsd} (either {@code null} for no
	 * budget), estimate against budget; empty when it may. A cost budget is checked only when the estimate is
	 * priced.
	 */
	public Optional<String> exceeds(Long maxTokens, BigDecimal maxCostUsd) {
		if (maxTokens != null && promptTokens > maxTokens) {
			return Optional.of("the job needs at least " + promptTokens + " prompt tokens (the words of its "
					+ "instruction and inputs over " + tasks + " task(s)), more than its token budget of " + maxTokens);
		}
		if (maxCostUsd != null && costUsd != null && costUsd.compareTo(maxCostUsd) > 0) {
			return Optional.of("the job needs at least " + Usd.format(costUsd) + " (" + promptTokens
					+ " prompt tokens over " + tasks + " task(s) at " + model + "'s input price), more than its cost "
					+ "budget of " + Usd.format(maxCostUsd));
		}
		return Optional.empty();
	}
}
