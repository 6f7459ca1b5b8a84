package io.colony.residents.timer;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * @param pollInterval how often due timers are looked for
 * @param batchSize due timers fired per transaction at most
 * @param minEvery the shortest repeat interval a client may ask for
 * @param maxPerAgent pending timers one agent may have
 */
@ConfigurationProperties("colony.residents.timers")
record TimerProperties(Duration pollInterval, int batchSize, Duration minEvery, int maxPerAgent) {

	TimerProperties {
		pollInterval = pollInterval == null ? Duration.ofSeconds(1) : pollInterval;
		batchSize = batchSize <= 0 ? 500 : batchSize;
		minEvery = minEvery == null ? Duration.ofMinutes(1) : minEvery;
		maxPerAgent = maxPerAgent <= 0 ? 100 : maxPerAgent;
	}
}
