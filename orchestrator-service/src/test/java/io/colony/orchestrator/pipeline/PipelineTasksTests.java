package io.colony.orchestrator.pipeline;

import io.colony.contracts.FanOut;
import io.colony.contracts.JobInput;
import io.colony.contracts.Pipeline;
import io.colony.contracts.PipelineStage;
import io.colony.orchestrator.flow.Gather;
import io.colony.orchestrator.flow.PlannedTask;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PipelineTasksTests {

	@Test
	void laysOutStagesWithTheirDependenciesAndIds() {
		Pipeline spec = new Pipeline(List.of(new JobInput("a", "A"), new JobInput("b", "B")),
				List.of(new PipelineStage("gather", "g", "1", null), new PipelineStage("analyse", "n", "2", FanOut.ONCE),
						new PipelineStage("s", "3", null)),
				null, null, null, null, null);

		List<PlannedTask> tasks = PipelineTasks.layout(spec, Map.of("g", "g-cap", "n", "n-cap", "s", "s-cap"));

		assertThat(tasks).extracting(PlannedTask::inputId)
			.containsExactly("gather/a", "gather/b", "analyse", "stage3/analyse");
		assertThat(tasks).extracting(PlannedTask::ready).containsExactly(true, true, false, false);
		assertThat(tasks).extracting(PlannedTask::stage).containsExactly(1, 1, 2, 3);
		assertThat(tasks.get(0).content()).isEqualTo("A");
		assertThat(tasks.get(0).capability()).isEqualTo("g-cap");
		assertThat(tasks.get(2).dependsOn()).containsExactly(tasks.get(0).taskId(), tasks.get(1).taskId());
		assertThat(tasks.get(2).gather()).isEqualTo(Gather.SECTIONS);
		assertThat(tasks.get(3).dependsOn()).containsExactly(tasks.get(2).taskId());
		assertThat(tasks.get(3).gather()).isNull();
		assertThat(tasks).hasSize(spec.taskCount());
	}

	@Test
	void aFirstOnceStageReadsEveryInputUnderItsId() {
		Pipeline spec = new Pipeline(List.of(new JobInput("a", "A"), new JobInput("b", "B\n")),
				List.of(new PipelineStage("all", "g", "1", FanOut.ONCE)), null, null, null, null, null);

		PlannedTask task = PipelineTasks.layout(spec, Map.of("g", "g-cap")).getFirst();

		assertThat(task.inputId()).isEqualTo("all");
		assertThat(task.ready()).isTrue();
		assertThat(task.content()).isEqualTo("## a\nA\n\n## b\nB\n");
	}
}
