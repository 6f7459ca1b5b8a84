package io.colony.orchestrator.view;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Job view settings.
 *
 * @param maxMissingListed how many tasks without an output a finished job's view lists at most (the first by input id)
 */
@ConfigurationProperties("colony.orchestrator")
record JobViewProperties(Integer maxMissingListed) {

	JobViewProperties {
		maxMissingListed = maxMissingListed == null ? 100 : maxMissingListed;
		if (maxMissingListed < 0) {
			throw new IllegalArgumentException("colony.orchestrator.max-missing-listed must not be negative");
		}
	}
}
