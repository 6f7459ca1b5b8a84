package io.colony.worker.tool.http;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import java.time.Duration;
import java.util.List;

/**
 * Settings of the {@code http_fetch} tool.
 *
 * @param allowedHosts the hosts it may open, each {@code [scheme://]host[:port]} or {@code [scheme://]*.domain[:port]}
 * (see {@link AllowedHosts}); empty by default, which refuses every URL
 * @param maxResponseSize the largest body it reads; a larger one fails the call instead of filling memory
 * @param timeout the longest one call may take, redirects included
 * @param maxRedirects how many redirects it follows; each target must be allowed too
 */
@ConfigurationProperties("colony.worker.tools.http-fetch")
public record HttpFetchProperties(List<String> allowedHosts, DataSize maxResponseSize, Duration timeout,
		Integer maxRedirects) {

	/** A body is read into one buffer, whose size is an {@code int}. */
	private static final DataSize LARGEST_RESPONSE_SIZE = DataSize.ofMegabytes(16);

	public HttpFetchProperties {
		allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
		maxResponseSize = maxResponseSize == null ? DataSize.ofKilobytes(256) : maxResponseSize;
		timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
		maxRedirects = maxRedirects == null ? 5 : maxRedirects;
		AllowedHosts.parse(allowedHosts);
		if (maxResponseSize.toBytes() < 1 || maxResponseSize.compareTo(LARGEST_RESPONSE_SIZE) > 0) {
			throw new IllegalArgumentException(
					"colony.worker.tools.http-fetch.max-response-size must be between 1B and " + LARGEST_RESPONSE_SIZE);
		}
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("colony.worker.tools.http-fetch.timeout must be positive");
		}
		if (maxRedirects < 0 || maxRedirects > 20) {
			throw new IllegalArgumentException("colony.worker.tools.http-fetch.max-redirects must be between 0 and 20");
		}
	}

	AllowedHosts allowList() {
		return AllowedHosts.parse(allowedHosts);
	}
}
