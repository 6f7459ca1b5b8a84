package io.colony.gateway.job;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Limits of job submissions.
 *
 * @param maxInputs most inputs one scatter-gather job may fan out over
 * @param maxBodySize largest request body the gateway reads (also the codecs' in-memory limit); larger is a 413
 */
@ConfigurationProperties("colony.gateway")
public record JobApiProperties(Integer maxInputs, DataSize maxBodySize) {

	public JobApiProperties {
		maxInputs = maxInputs == null ? 100_000 : maxInputs;
		maxBodySize = maxBodySize == null ? DataSize.ofMegabytes(16) : maxBodySize;
		if (maxInputs < 1) {
			throw new IllegalArgumentException("colony.gateway.max-inputs must be at least 1");
		}
		if (maxBodySize.toBytes() < 1 || maxBodySize.toBytes() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException("colony.gateway.max-body-size must be between 1B and 2GB");
		}
	}
}
