package io.colony.worker.task;

import io.colony.contracts.AgentId;
import io.colony.contracts.JobId;
import io.colony.contracts.TaskCompleted;
import io.colony.contracts.TaskFailed;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import io.colony.contracts.Usage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ResultMessageIdsTests {

	private static final TaskId TASK = TaskId.parse("7d1f6a3e-1111-4a4a-9b9b-000000000001");

	@Test
	void theIdIsTheNameBasedUuidOfTaskAttemptAndOutcome() {
		UUID expected = UUID.nameUUIDFromBytes(
				"7d1f6a3e-1111-4a4a-9b9b-000000000001:2:completed".getBytes(StandardCharsets.UTF_8));

		assertThat(ResultMessageIds.of(completed(2))).isEqualTo(expected);
	}

	@Test
	void aReRunOfTheSameAttemptGetsTheSameIdAndEveryOtherAttemptOrOutcomeAnother() {
		assertThat(ResultMessageIds.of(completed(1))).isEqualTo(ResultMessageIds.of(completed(1)));
		assertThat(ResultMessageIds.of(completed(1))).isNotEqualTo(ResultMessageIds.of(completed(2)));
		assertThat(ResultMessageIds.of(failed(1))).isNotEqualTo(ResultMessageIds.of(completed(1)))
			.isEqualTo(ResultMessageIds.of(TASK, 1, "failed"));
	}

	private static TaskCompleted completed(int attempt) {
		return new TaskCompleted(JobId.random(), TASK, TenantId.of("t"), "in-1", attempt, AgentId.of("w"), "out",
				Usage.NONE, Instant.now(), Instant.now());
	}

	private static TaskFailed failed(int attempt) {
		return new TaskFailed(JobId.random(), TASK, TenantId.of("t"), "in-1", attempt, AgentId.of("w"), "boom", true,
				false, Instant.now());
	}
}
