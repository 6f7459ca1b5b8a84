package io.colony.orchestrator.job;

import io.colony.contracts.CommandRejected;
import io.colony.contracts.JobId;
import io.colony.contracts.JobInput;
import io.colony.contracts.FanOut;
import io.colony.contracts.JobLimits;
import io.colony.contracts.NoAgentPolicy;
import io.colony.contracts.Pipeline;
import io.colony.contracts.PipelineStage;
import io.colony.contracts.PlanLimits;
import io.colony.contracts.Supervisor;
import io.colony.contracts.ScatterGather;
import io.colony.contracts.SubmitJob;
import io.colony.contracts.TenantId;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SubmissionRulesTests {

	private final JobProperties defaults = JobProperties.defaults();

	@Test
	void acceptsAJobAndAppliesTheDefaultLimits() {
		SubmissionRules.Verdict verdict = SubmissionRules.check(submit("summarizer", null, inputs("a", "b")), defaults);

		assertThat(verdict).isInstanceOfSatisfying(SubmissionRules.Valid.class, valid -> {
			assertThat(valid.maxAttempts()).isEqualTo(3);
			assertThat(valid.deadline()).isEqualTo(Duration.ofHours(1));
		});
	}

	@Test
	void takesTheJobsOwnLimits() {
		SubmissionRules.Verdict verdict = SubmissionRules
			.check(submit("summarizer", new JobLimits(Duration.ofMinutes(5), 10), inputs("a")), defaults);

		assertThat(verdict).isEqualTo(new SubmissionRules.Valid(
				(ScatterGather) submit("summarizer", new JobLimits(Duration.ofMinutes(5), 10), inputs("a")).spec(), 10,
				Duration.ofMinutes(5)));
	}

	@Test
	void rejectsAJobWithoutInputs() {
		assertThat(detailOf(submit("summarizer", null, List.of()))).contains("at least one input");
	}

	@Test
	void rejectsDuplicateAndBlankInputIds() {
		assertThat(detailOf(submit("summarizer", null, inputs("a", "b", "a")))).contains("inputs[2].id 'a' is not unique");
		assertThat(detailOf(submit("summarizer", null, inputs("a", " ")))).contains("inputs[1].id must not be blank");
		assertThat(detailOf(submit("summarizer", null, inputs("a", null)))).contains("inputs[1].id must not be blank");
	}

	@Test
	void rejectsABlankAgent() {
		assertThat(detailOf(submit(" ", null, inputs("a")))).contains("agent must not be blank");
		assertThat(detailOf(submit(null, null, inputs("a")))).contains("agent must not be blank");
	}

	@Test
	void rejectsAttemptsOutsideOneToTen() {
		assertThat(detailOf(submit("summarizer", new JobLimits(null, 0), inputs("a")))).contains("maxAttempts");
		assertThat(detailOf(submit("summarizer", new JobLimits(null, 11), inputs("a")))).contains("maxAttempts");
	}

	@Test
	void rejectsDeadlinesThatAreNotPositiveOrLongerThanADay() {
		assertThat(detailOf(submit("summarizer", new JobLimits(Duration.ZERO, null), inputs("a"))))
			.contains("limits.deadline must be positive");
		assertThat(detailOf(submit("summarizer", new JobLimits(Duration.ofHours(25), null), inputs("a"))))
			.contains("limits.deadline must be at most PT24H");
	}

	@Test
	void rejectsBudgetsThatAreNotPositive() {
		assertThat(detailOf(submit("summarizer", new JobLimits(null, null, 0L, null), inputs("a"))))
			.contains("limits.maxTokens must be positive");
		assertThat(detailOf(submit("summarizer", new JobLimits(null, null, null, new BigDecimal("-0.01")), inputs("a"))))
			.contains("limits.maxCostUsd must be positive");
		assertThat(SubmissionRules.check(
				submit("summarizer", new JobLimits(null, null, 1L, new BigDecimal("0.000001")), inputs("a")), defaults))
			.isInstanceOf(SubmissionRules.Valid.class);
	}

	@Test
	void rejectsABlankOrOverlongModel() {
		assertThat(detailOf(withModel(" "))).contains("model must be 1 to 200 characters");
		assertThat(detailOf(withModel("m".repeat(201)))).contains("model");
		assertThat(SubmissionRules.check(withModel("gpt-4o-mini"), defaults)).isInstanceOf(SubmissionRules.Valid.class);
	}

	@Test
	void rejectsMoreInputsThanTheLimit() {
		JobProperties small = new JobProperties(null, null, null, 2, null, null);
		SubmissionRules.Verdict verdict = SubmissionRules.check(submit("summarizer", null, inputs("a", "b", "c")), small);

		assertThat(verdict).isInstanceOfSatisfying(SubmissionRules.Invalid.class,
				invalid -> assertThat(invalid.rejection().detail()).contains("at most 2 inputs"));
	}

	@Test
	void rejectsAJobWithoutSpec() {
		SubmitJob command = new SubmitJob(JobId.random(), TenantId.of("acme"), null, "d", null, Instant.now());

		assertThat(SubmissionRules.check(command, defaults)).isInstanceOfSatisfying(SubmissionRules.Invalid.class,
				invalid -> assertThat(invalid.rejection().status()).isEqualTo(400));
	}

	@Test
	void rejectsConcurrencyCapsAndSuccessRatiosOutOfBounds() {
		assertThat(detailOf(submit("summarizer", new JobLimits(null, null, null, null, 0, null), inputs("a"))))
			.contains("limits.maxConcurrency must be between 1 and 10000");
		assertThat(detailOf(submit("summarizer", new JobLimits(null, null, null, null, 10_001, null), inputs("a"))))
			.contains("limits.maxConcurrency");
		assertThat(detailOf(submit("summarizer", new JobLimits(null, null, null, null, null, BigDecimal.ZERO),
				inputs("a")))).contains("limits.successRatio must be greater than 0 and at most 1");
		assertThat(detailOf(submit("summarizer", new JobLimits(null, null, null, null, null, new BigDecimal("1.01")),
				inputs("a")))).contains("limits.successRatio");
		assertThat(SubmissionRules.check(submit("summarizer",
				new JobLimits(null, null, null, null, 10_000, BigDecimal.ONE), inputs("a")), defaults))
			.isInstanceOf(SubmissionRules.Valid.class);
	}

	@Test
	void acceptsAPipelineAndNamesEveryProblemOfAnInvalidOne() {
		assertThat(SubmissionRules.check(pipeline(inputs("a"), new PipelineStage("gather", "g", "x", null),
				new PipelineStage("a", "y", FanOut.ONCE)), defaults)).isInstanceOf(SubmissionRules.Valid.class);
		assertThat(detailOf(pipeline(inputs("a")))).contains("stages must contain 1 to 20 stages, got 0");
		assertThat(detailOf(pipeline(inputs("a"), java.util.Collections.nCopies(21, new PipelineStage("a", "x", null))
			.toArray(PipelineStage[]::new)))).contains("stages must contain 1 to 20 stages, got 21");
		String detail = detailOf(pipeline(inputs("a"), new PipelineStage("a", "x", null),
				new PipelineStage(" ", "x", null), new PipelineStage("a", "", null)));
		assertThat(detail).contains("stages[1].agent must not be blank").contains("stages[2].instruction must not be blank");
		assertThat(detailOf(pipeline(inputs("a"), new PipelineStage("Bad Name", "a", "x", null))))
			.contains("stages[0].name must be 1 to 64 lower-case letters, digits or dashes");
		assertThat(detailOf(pipeline(inputs("a"), new PipelineStage("stage2", "a", "x", null),
				new PipelineStage("a", "x", null)))).contains("stages[1].name 'stage2' is not unique");
		assertThat(detailOf(pipeline(List.of(), new PipelineStage("a", "x", null)))).contains("at least one input");
		assertThat(detailOf(new SubmitJob(JobId.random(), TenantId.of("acme"), null, "d",
				new Pipeline(inputs("a"), List.of(new PipelineStage("a", "x", null)), null, null, null, null,
						NoAgentPolicy.HOLD), Instant.now()))).contains("whenNoAgent hold");
	}

	@Test
	void countsEveryStagesTasksAgainstTheTaskLimit() {
		JobProperties small = new JobProperties(null, null, null, 4, null, null);
		SubmissionRules.Verdict verdict = SubmissionRules.check(pipeline(inputs("a", "b", "c"),
				new PipelineStage("a", "x", null), new PipelineStage("b", "y", null)), small);

		assertThat(verdict).isInstanceOfSatisfying(SubmissionRules.Invalid.class,
				invalid -> assertThat(invalid.rejection().detail()).contains("would run 6 tasks, more than the 4"));
	}

	@Test
	void acceptsASupervisorAndNamesEveryProblemOfAnInvalidOne() {
		assertThat(SubmissionRules.check(supervisor("boss", "review", new JobInput("pr", "diff"), List.of("critic"),
				new PlanLimits(50, 3)), defaults)).isInstanceOf(SubmissionRules.Valid.class);
		String detail = detailOf(supervisor(" ", "", null, List.of("Not Valid", "ok"), new PlanLimits(51, 4)));
		assertThat(detail).contains("supervisor must not be blank")
			.contains("instruction must not be blank")
			.contains("input is required")
			.contains("specialists[0] must be 1 to 64 lower-case letters")
			.contains("plan.maxSubtasks must be between 1 and 50")
			.contains("plan.maxDepth must be between 1 and 3");
		assertThat(detailOf(supervisor("boss", "x", new JobInput(" ", null), List.of(), null)))
			.contains("input.id must not be blank").contains("input.content is required");
		assertThat(detailOf(supervisor("boss", "x", new JobInput("q", "c"), List.of("boss"), null)))
			.contains("specialists[0] must not be the supervisor's own type");
		assertThat(detailOf(supervisor("boss", "x", new JobInput("q", "c"),
				java.util.stream.IntStream.range(0, 21).mapToObj(i -> "s" + i).toList(), null)))
			.contains("specialists must list at most 20");
		assertThat(detailOf(supervisor("boss", "x", new JobInput("q", "c"), List.of(), new PlanLimits(0, 0))))
			.contains("plan.maxSubtasks").contains("plan.maxDepth");
	}

	private static SubmitJob pipeline(List<JobInput> inputs, PipelineStage... stages) {
		return new SubmitJob(JobId.random(), TenantId.of("acme"), null, "digest",
				new Pipeline(inputs, List.of(stages), null, null, null, null, null), Instant.now());
	}

	private static SubmitJob supervisor(String supervisor, String instruction, JobInput input,
			List<String> specialists, PlanLimits plan) {
		return new SubmitJob(JobId.random(), TenantId.of("acme"), null, "digest",
				new Supervisor(supervisor, instruction, input, specialists, plan, null, null, null, null, null),
				Instant.now());
	}

	private String detailOf(SubmitJob command) {
		SubmissionRules.Verdict verdict = SubmissionRules.check(command, defaults);
		assertThat(verdict).isInstanceOf(SubmissionRules.Invalid.class);
		CommandRejected rejection = ((SubmissionRules.Invalid) verdict).rejection();
		assertThat(rejection.problem()).isEqualTo("invalid-job");
		assertThat(rejection.status()).isEqualTo(400);
		return rejection.detail();
	}

	private static SubmitJob submit(String agent, JobLimits limits, List<JobInput> inputs) {
		return new SubmitJob(JobId.random(), TenantId.of("acme"), null, "digest",
				new ScatterGather(agent, "summarise", inputs, null, null, limits), Instant.now());
	}

	private static SubmitJob withModel(String model) {
		return new SubmitJob(JobId.random(), TenantId.of("acme"), null, "digest",
				new ScatterGather("summarizer", "summarise", inputs("a"), null, null, null, model), Instant.now());
	}

	private static List<JobInput> inputs(String... ids) {
		List<JobInput> inputs = new ArrayList<>();
		Arrays.stream(ids).forEach(id -> inputs.add(new JobInput(id, "content of " + id)));
		return inputs;
	}
}
