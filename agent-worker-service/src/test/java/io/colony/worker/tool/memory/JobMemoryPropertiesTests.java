package io.colony.worker.tool.memory;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class JobMemoryPropertiesTests {

	@Test
	void settingsHaveDefaultsAndRejectNonsense() {
		JobMemoryProperties defaults = new JobMemoryProperties(null, null, null);
		assertThat(defaults.ttl()).isEqualTo(Duration.ofHours(24));
		assertThat(defaults.maxValueSize()).isEqualTo(DataSize.ofKilobytes(64));
		assertThat(defaults.maxKeys()).isEqualTo(1000);

		assertThatIllegalArgumentException().isThrownBy(() -> new JobMemoryProperties(Duration.ZERO, null, null))
			.withMessage("colony.worker.tools.memory.ttl must be at least 1ms");
		assertThatIllegalArgumentException().isThrownBy(() -> new JobMemoryProperties(null, null, 0))
			.withMessage("colony.worker.tools.memory.max-keys must be at least 1");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new JobMemoryProperties(null, DataSize.ofBytes(0), null))
			.withMessageContaining("colony.worker.tools.memory.max-value-size must be between 1B and 512MB");
	}
}
