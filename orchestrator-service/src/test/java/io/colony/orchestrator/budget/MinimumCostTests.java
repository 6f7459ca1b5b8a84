package io.colony.orchestrator.budget;

import io.colony.contracts.FanOut;
import io.colony.contracts.JobInput;
import io.colony.contracts.Pipeline;
import io.colony.contracts.PipelineStage;
import io.colony.contracts.Supervisor;
import io.colony.contracts.ScatterGather;
import io.colony.platform.pricing.PriceTable;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class MinimumCostTests {

	private final PriceTable prices = PriceTable.defaults();

	@Test
	void countsWhitespaceSeparatedWords() {
		assertThat(MinimumCost.words(null)).isZero();
		assertThat(MinimumCost.words("")).isZero();
		assertThat(MinimumCost.words("  \n\t ")).isZero();
		assertThat(MinimumCost.words("one")).isEqualTo(1);
		assertThat(MinimumCost.words("  Summarize   this,\nplease.\t")).isEqualTo(3);
	}

	@Test
	void estimatesInstructionAndInputWordsForEveryTask() {
		// instruction: 3 words per task; inputs: 2 + 4 words
		ScatterGather spec = job("Summarize in brief", List.of("first input", "a second, longer input"), null);

		MinimumCost minimum = MinimumCost.of(spec, "gpt-4o", prices);

		assertThat(minimum.tasks()).isEqualTo(2);
		assertThat(minimum.promptTokens()).isEqualTo(3 + 2 + 3 + 4);
		assertThat(minimum.model()).isEqualTo("gpt-4o");
		// 12 tokens × $2.50 per million
		assertThat(minimum.costUsd()).isEqualTo(new BigDecimal("0.00003"));
	}

	@Test
	void estimatesOnlyTheFirstTasksOfPipelinesAndSupervisors() {
		List<JobInput> inputs = List.of(new JobInput("a", "first input"), new JobInput("b", "a second, longer input"));
		Pipeline perInput = new Pipeline(inputs, List.of(new PipelineStage("g", "gather the facts", null),
				new PipelineStage("h", "many many more words that do not count", null)), null, null, null, null, null);
		Pipeline once = new Pipeline(inputs, List.of(new PipelineStage("g", "gather the facts", FanOut.ONCE)), null,
				null, null, null, null);
		Supervisor supervisor = new Supervisor("boss", "review this", new JobInput("pr", "the whole diff"), List.of(),
				null, null, null, null, null, null);

		assertThat(MinimumCost.of(perInput, null, prices)).extracting(MinimumCost::tasks, MinimumCost::promptTokens)
			.containsExactly(2, 3L + 2 + 3 + 4);
		assertThat(MinimumCost.of(once, null, prices)).extracting(MinimumCost::tasks, MinimumCost::promptTokens)
			.containsExactly(1, 3L + 2 + 4);
		assertThat(MinimumCost.of(supervisor, null, prices)).extracting(MinimumCost::tasks, MinimumCost::promptTokens)
			.containsExactly(1, 2L + 3);
	}

	@Test
	void anUnpricedModelHasNoCostEstimate() {
		MinimumCost minimum = MinimumCost.of(job("go", List.of("x"), null), "some-tier", prices);

		assertThat(minimum.costUsd()).isNull();
		assertThat(minimum.model()).isNull();
		assertThat(minimum.promptTokens()).isEqualTo(2);
		assertThat(minimum.exceeds(null, new BigDecimal("0.000000001"))).isEmpty();
		assertThat(MinimumCost.of(job("go", List.of("x"), null), null, prices).costUsd()).isNull();
	}

	@Test
	void aTokenBudgetBelowTheEstimateIsExceededSayingEstimateAndBudget() {
		MinimumCost minimum = MinimumCost.of(job("one two three four", inputsOfWords(100, 6), null), null, prices);

		assertThat(minimum.promptTokens()).isEqualTo(1000);
		assertThat(minimum.exceeds(999L, null)).hasValueSatisfying(why -> assertThat(why)
			.contains("at least 1000 prompt tokens").contains("100 task(s)").contains("token budget of 999"));
		assertThat(minimum.exceeds(1000L, null)).as("exactly the budget still fits").isEmpty();
		assertThat(minimum.exceeds(null, null)).isEmpty();
	}

	@Test
	void aCostBudgetBelowThePricedEstimateIsExceeded() {
		// 100 tasks × 10 words = 1,000 tokens; at gpt-4o $2.50 per million = $0.0025
		MinimumCost minimum = MinimumCost.of(job("one two three four", inputsOfWords(100, 6), null), "gpt-4o", prices);

		assertThat(minimum.costUsd()).isEqualTo(new BigDecimal("0.0025"));
		assertThat(minimum.exceeds(null, new BigDecimal("0.002"))).hasValueSatisfying(why -> assertThat(why)
			.contains("at least $0.0025").contains("gpt-4o").contains("cost budget of $0.002"));
		assertThat(minimum.exceeds(null, new BigDecimal("0.0025"))).isEmpty();
		assertThat(minimum.exceeds(1_000_000L, BigDecimal.ONE)).isEmpty();
	}

	private static ScatterGather job(String instruction, List<String> contents, String model) {
		List<JobInput> inputs = IntStream.range(0, contents.size())
			.mapToObj(i -> new JobInput("in-" + i, contents.get(i)))
			.toList();
		return new ScatterGather("summarizer", instruction, inputs, null, null, null, model);
	}

	private static List<String> inputsOfWords(int count, int words) {
		String content = String.join(" ", java.util.Collections.nCopies(words, "word"));
		return java.util.Collections.nCopies(count, content);
	}
}
