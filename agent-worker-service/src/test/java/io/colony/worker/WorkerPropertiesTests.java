package io.colony.worker;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class WorkerPropertiesTests {

	@Test
	void defaultsHoldTenThousandTasks() {
		WorkerProperties properties = new WorkerProperties(null, null, null, null, null, null);

		assertThat(properties.capacity()).isEqualTo(10_000);
		assertThat(properties.heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
		assertThat(properties.heartbeatTtl()).isEqualTo(Duration.ofSeconds(10));
		assertThat(properties.drainTimeout()).isEqualTo(Duration.ofSeconds(20));
		assertThat(properties.maxRunningTasks()).isEqualTo(1024);
	}

	@Test
	void aSmallCapacityRunsEverythingItHolds() {
		assertThat(new WorkerProperties(null, 300, null, null, null, null).maxRunningTasks()).isEqualTo(300);
	}

	@Test
	void noMoreTasksRunThanAreHeld() {
		assertThatIllegalArgumentException().isThrownBy(() -> new WorkerProperties(null, 100, null, null, null, 101))
			.withMessageContaining("colony.worker.max-running-tasks must be between 1 and colony.worker.capacity (100), was 101");
		assertThatIllegalArgumentException().isThrownBy(() -> new WorkerProperties(null, 100, null, null, null, 0))
			.withMessageContaining("colony.worker.max-running-tasks");
	}

	@Test
	void capacityMustFitAPrefetchCount() {
		assertThatIllegalArgumentException().isThrownBy(() -> new WorkerProperties(null, 70_000, null, null, null, null))
			.withMessageContaining("colony.worker.capacity must be between 1 and 65535");
	}

	@Test
	void theTtlMustOutlastTheInterval() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new WorkerProperties(null, null, Duration.ofSeconds(5), Duration.ofSeconds(5), null, null))
			.withMessageContaining("must be longer than colony.worker.heartbeat-interval");
	}
}
