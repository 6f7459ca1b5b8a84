package io.colony.worker.tool.spawn;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.net.URI;
import java.time.Duration;

/**
 * The {@code spawn_subtasks} tool.
 *
 * @param aggregatorUrl where the child job's results are read ({@code GET /internal/v1/jobs/{id}/results})
 * @param maxInputs the most sub-tasks one call may start
 * @param maxWait how long a parent waits for its child job before the tool reports a time-out to the model
 */
@ConfigurationProperties("colony.worker.tools.spawn")
public record SpawnProperties(URI aggregatorUrl, Integer maxInputs, Duration maxWait) {

	public SpawnProperties {
		aggregatorUrl = aggregatorUrl == null ? URI.create("http://127.0.0.1:8083") : aggregatorUrl;
		maxInputs = maxInputs == null ? 50 : maxInputs;
		maxWait = maxWait == null ? Duration.ofMinutes(10) : maxWait;
		if (maxInputs < 1 || maxInputs > 10_000) {
			throw new IllegalArgumentException("colony.worker.tools.spawn.max-inputs must be between 1 and 10000");
		}
	}
}
