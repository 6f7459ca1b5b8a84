package io.colony.orchestrator.job;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * Job acceptance settings.
 *
 * @param maxAttempts attempts per task when the job does not say (first run included)
 * @param defaultDeadline how long a job may run when it does not say
 * @param maxDeadline the longest deadline a job may ask for
 * @param maxTasks the most tasks one job may fan out into
 * @param commandPrefetch unacknowledged commands per consumer
 * @param commandConsumers consumers on {@code orchestrator.commands}
 */
@ConfigurationProperties("colony.orchestrator")
record JobProperties(Integer maxAttempts, Duration defaultDeadline, Duration maxDeadline, Integer maxTasks,
		Integer commandPrefetch, Integer commandConsumers) {

	static final int MAX_ATTEMPTS_LIMIT = 10;

	JobProperties {
		maxAttempts = maxAttempts == null ? 3 : maxAttempts;
		defaultDeadline = defaultDeadline == null ? Duration.ofHours(1) : defaultDeadline;
		maxDeadline = maxDeadline == null ? Duration.ofHours(24) : maxDeadline;
		maxTasks = maxTasks == null ? 100_000 : maxTasks;
		commandPrefetch = commandPrefetch == null ? 50 : commandPrefetch;
		commandConsumers = commandConsumers == null ? 2 : commandConsumers;
		if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
			throw new IllegalArgumentException("colony.orchestrator.max-attempts must be between 1 and " + MAX_ATTEMPTS_LIMIT);
		}
		if (defaultDeadline.isNegative() || defaultDeadline.isZero() || defaultDeadline.compareTo(maxDeadline) > 0) {
			throw new IllegalArgumentException("colony.orchestrator.default-deadline must be positive and at most "
					+ maxDeadline);
		}
	}

	static JobProperties defaults() {
		return new JobProperties(null, null, null, null, null, null);
	}
}
