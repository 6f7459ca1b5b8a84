package io.colony.orchestrator.budget;

import io.colony.contracts.JobInput;
import io.colony.contracts.ScatterGather;
import io.colony.platform.pricing.PriceTable;
import io.colony.platform.pricing.TokenEstimate;
import io.colony.platform.pricing.Usd;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * The least a job can spend, known before anything runs: every task sends at least its instruction and its
 * input to the model, and a tokenizer makes at least about one token of every word, so the words of both,
 * summed over the tasks, bound the prompt tokens from below. System prompts, tool calls and completions only
 * add to it. Pure; no I/O.
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
	public static MinimumCost of(ScatterGather spec, String model, PriceTable prices) {
		long instructionWords = words(spec.instruction());
		long tokens = 0;
		for (JobInput input : spec.inputs()) {
			tokens += instructionWords + words(input.content());
		}
		boolean priced = prices.isPriced(model);
		return new MinimumCost(spec.inputs().size(), tokens, priced ? model : null,
				priced ? prices.cost(model, tokens, 0) : null);
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
