package io.colony.worker.credentials;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.net.URI;
import java.time.Duration;

/**
 * How this worker gets credentials from the credential service.
 *
 * @param url the credential service's agent API (workers call it directly, not through the gateway)
 * @param approvalTimeout how long a task waits for a person to decide a pending request; then the worker asks the
 * service once more (a decision whose event was missed is found that way) and otherwise gives up with
 * {@link ApprovalTimedOut}. Should not exceed the agent type's time limit, or the loop stops first
 * @param requestTimeout the longest one HTTP call to the service may take
 * @param renewBefore a cached credential whose token expires sooner than this is renewed before it is used
 * @param maxCached how many credentials (one per task, resource and scope) are kept; the oldest go first
 * @param maxRevoked how many revoked leases are remembered; each is forgotten once its lease could no longer be
 * used anyway (its maximum lifetime has passed)
 */
@ConfigurationProperties("colony.worker.credentials")
public record CredentialsProperties(URI url, Duration approvalTimeout, Duration requestTimeout, Duration renewBefore,
		Integer maxCached, Integer maxRevoked) {

	public CredentialsProperties {
		url = url == null ? URI.create("http://127.0.0.1:8084") : url;
		approvalTimeout = approvalTimeout == null ? Duration.ofMinutes(15) : approvalTimeout;
		requestTimeout = requestTimeout == null ? Duration.ofSeconds(10) : requestTimeout;
		renewBefore = renewBefore == null ? Duration.ofSeconds(30) : renewBefore;
		maxCached = maxCached == null ? 10_000 : maxCached;
		maxRevoked = maxRevoked == null ? 100_000 : maxRevoked;
		if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
			throw new IllegalArgumentException("colony.worker.credentials.url must be an http or https URL, was " + url);
		}
		requirePositive("approval-timeout", approvalTimeout);
		requirePositive("request-timeout", requestTimeout);
		if (renewBefore.isNegative()) {
			throw new IllegalArgumentException("colony.worker.credentials.renew-before must not be negative");
		}
		if (maxCached < 1 || maxRevoked < 1) {
			throw new IllegalArgumentException("colony.worker.credentials.max-cached and max-revoked must be at least 1");
		}
	}

	private static void requirePositive(String name, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException("colony.worker.credentials." + name + " must be positive");
		}
	}
}
