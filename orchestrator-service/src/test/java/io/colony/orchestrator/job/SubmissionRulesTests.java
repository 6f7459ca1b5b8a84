package io.colony.orchestrator.job;

import io.colony.contracts.CommandRejected;
import io.colony.contracts.JobId;
import io.colony.contracts.JobInput;
import io.colony.contracts.JobLimits;
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
