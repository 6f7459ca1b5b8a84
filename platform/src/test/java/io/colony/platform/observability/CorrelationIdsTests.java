package io.colony.platform.observability;

import io.colony.contracts.AgentHeartbeat;
import io.colony.contracts.AgentId;
import io.colony.contracts.JobCancelled;
import io.colony.contracts.JobId;
import io.colony.contracts.JobInput;
import io.colony.contracts.Priority;
import io.colony.contracts.TaskAssigned;
import io.colony.contracts.TaskFailed;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CorrelationIdsTests {

	private static final JobId JOB = JobId.random();

	private static final TaskId TASK = TaskId.random();

	private static final TenantId TENANT = TenantId.of("acme");

	@AfterEach
	void clearMdc() {
		MDC.clear();
	}

	@Test
	void aTaskNamesItsJobTaskTenantAndAgentType() {
		TaskAssigned task = new TaskAssigned(JOB, TASK, TENANT, "summarizer", "summarizer", 1, 3, "Summarize.",
				new JobInput("in-1", "text"), Priority.NORMAL, null, Instant.now());

		CorrelationIds ids = CorrelationIds.of(task, null);

		assertThat(ids).isEqualTo(new CorrelationIds(JOB.toString(), TASK.toString(), "acme", "summarizer"));
		assertThat(ids.tags()).containsExactly(java.util.Map.entry("colony.job", JOB.toString()),
				java.util.Map.entry("colony.task", TASK.toString()), java.util.Map.entry("colony.tenant", "acme"),
				java.util.Map.entry("colony.agent", "summarizer"));
	}

	@Test
	void aResultNamesTheAgentThatProducedIt() {
		TaskFailed failed = new TaskFailed(JOB, TASK, TENANT, "in-1", 2, AgentId.of("worker-7"), "boom", true, false,
				Instant.now());

		assertThat(CorrelationIds.of(failed, null).agent()).isEqualTo("worker-7");
	}

	@Test
	void aJobEventHasNoTaskAndTheHeaderTenantFillsAGap() {
		CorrelationIds event = CorrelationIds.of(new JobCancelled(JOB, TENANT, "user", Instant.now()), null);
		assertThat(event).isEqualTo(new CorrelationIds(JOB.toString(), null, "acme", null));
		assertThat(event.tags()).doesNotContainKey("colony.task");

		CorrelationIds heartbeat = CorrelationIds.of(
				new AgentHeartbeat(AgentId.of("w"), "i", List.of(), 1, 0, "v", java.time.Duration.ofSeconds(5), Instant.now()),
				TenantId.of("from-header"));
		assertThat(heartbeat).isEqualTo(new CorrelationIds(null, null, "from-header", null));
		assertThat(CorrelationIds.of(null, null)).isEqualTo(CorrelationIds.NONE);
	}

	@Test
	void theMdcScopePutsTheIdsAndRestoresWhatWasThere() {
		MDC.put("tenant", "outer-tenant");
		CorrelationIds ids = new CorrelationIds("job-1", "task-1", "acme", null);

		try (CorrelationIds.MdcScope ignored = ids.inMdc()) {
			assertThat(MDC.get("jobId")).isEqualTo("job-1");
			assertThat(MDC.get("taskId")).isEqualTo("task-1");
			assertThat(MDC.get("tenant")).isEqualTo("acme");
			assertThat(MDC.get("agent")).isNull();
		}

		assertThat(MDC.get("jobId")).isNull();
		assertThat(MDC.get("taskId")).isNull();
		assertThat(MDC.get("tenant")).isEqualTo("outer-tenant");
	}
}
