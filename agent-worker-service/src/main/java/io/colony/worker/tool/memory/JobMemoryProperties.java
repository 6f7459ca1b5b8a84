package io.colony.worker.tool.memory;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import java.time.Duration;

/**
 * Limits of the memory the tasks of one job share ({@code memory_write}, {@code memory_read}).
 *
 * @param ttl how long a job's memory is kept after its last write
 * @param maxValueSize the largest value, counted in UTF-8 bytes
 * @param maxKeys how many keys one job's memory holds; overwriting an existing key is always possible
 */
@ConfigurationProperties("colony.worker.tools.memory")
public record JobMemoryProperties(Duration ttl, DataSize maxValueSize, Integer maxKeys) {

	public JobMemoryProperties {
		ttl = ttl == null ? Duration.ofHours(24) : ttl;
		maxValueSize = maxValueSize == null ? DataSize.ofKilobytes(64) : maxValueSize;
		maxKeys = maxKeys == null ? 1000 : maxKeys;
		if (ttl.toMillis() < 1) {
			throw new IllegalArgumentException("colony.worker.tools.memory.ttl must be at least 1ms");
		}
		if (maxValueSize.toBytes() < 1 || maxValueSize.toMegabytes() > 512) {
			throw new IllegalArgumentException("colony.worker.tools.memory.max-value-size must be between 1B and 512MB "
					+ "(Redis' largest string)");
		}
		if (maxKeys < 1) {
			throw new IllegalArgumentException("colony.worker.tools.memory.max-keys must be at least 1");
		}
	}
}
