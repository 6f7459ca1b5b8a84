package io.colony.worker.github;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import java.net.URI;
import java.time.Duration;

/**
 * How the {@code github-pr-review} workflow reaches GitHub's REST API.
 *
 * @param apiUrl GitHub's API ({@code https://api.github.com}; GitHub Enterprise: {@code https://<host>/api/v3})
 * @param timeout the longest one API call may take; past it the task fails retryably
 * @param maxResponseSize the most read of one API response (a page of files holds up to 100 patches)
 * @param credentialTtl the lifetime asked for the {@code github} credentials
 */
@ConfigurationProperties("colony.worker.github")
public record GitHubProperties(URI apiUrl, Duration timeout, DataSize maxResponseSize, Duration credentialTtl) {

	public GitHubProperties {
		apiUrl = apiUrl == null ? URI.create("https://api.github.com") : apiUrl;
		timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
		maxResponseSize = maxResponseSize == null ? DataSize.ofMegabytes(16) : maxResponseSize;
		credentialTtl = credentialTtl == null ? Duration.ofMinutes(5) : credentialTtl;
		String scheme = apiUrl.getScheme();
		if (!"https".equals(scheme) && !"http".equals(scheme) || apiUrl.getHost() == null) {
			throw new IllegalArgumentException("colony.worker.github.api-url must be an http(s) URL, not " + apiUrl);
		}
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("colony.worker.github.timeout must be positive");
		}
		if (maxResponseSize.toBytes() < 1024 || maxResponseSize.toBytes() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException("colony.worker.github.max-response-size must be between 1KB and 2GB");
		}
		if (credentialTtl.toSeconds() < 1) {
			throw new IllegalArgumentException("colony.worker.github.credential-ttl must be at least PT1S");
		}
	}

	/** The API's base without a trailing slash. */
	String base() {
		String url = apiUrl.toString();
		return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
	}
}
