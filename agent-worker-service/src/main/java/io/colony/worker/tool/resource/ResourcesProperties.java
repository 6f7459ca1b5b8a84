package io.colony.worker.tool.resource;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The HTTP APIs {@code resource_api} may call, by name: {@code colony.worker.tools.resources.<name>.*}. The name is
 * the credential's audience and the stem of its scopes ({@code <name>:read}, {@code <name>:write}), so it must be
 * the name the credential service's policy knows. None by default: the tool then refuses every call.
 */
@ConfigurationProperties("colony.worker.tools")
public record ResourcesProperties(Map<String, Resource> resources) {

	/** Like a capability: usable in a scope token and an audience without quoting. */
	private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

	/** A body is read into one buffer, whose size is an {@code int}. */
	private static final DataSize LARGEST_RESPONSE_SIZE = DataSize.ofMegabytes(16);

	public ResourcesProperties {
		Map<String, Resource> byName = resources == null ? new TreeMap<>() : new TreeMap<>(resources);
		byName.forEach((name, resource) -> {
			if (!NAME.matcher(name).matches()) {
				throw new IllegalArgumentException("colony.worker.tools.resources has an invalid name '" + name
						+ "': use lower-case letters, digits and dashes, 1 to 63 characters");
			}
			if (resource == null) {
				throw new IllegalArgumentException("colony.worker.tools.resources." + name + ".base-url is required");
			}
			resource.validate(name);
		});
		resources = Collections.unmodifiableMap(byName);
	}

	/**
	 * One API.
	 *
	 * @param baseUrl every call goes to a path under it, e.g. {@code https://inventory.internal/api}
	 * @param ttl how long a credential for it should last (policy may shorten it); 5 minutes by default
	 * @param timeout the longest one call may take; 10 seconds by default
	 * @param maxResponseSize how much of a response body the model gets; the rest is cut; 256KB by default
	 */
	public record Resource(URI baseUrl, Duration ttl, Duration timeout, DataSize maxResponseSize) {

		public Resource {
			ttl = ttl == null ? Duration.ofMinutes(5) : ttl;
			timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
			maxResponseSize = maxResponseSize == null ? DataSize.ofKilobytes(256) : maxResponseSize;
		}

		void validate(String name) {
			String prefix = "colony.worker.tools.resources." + name;
			if (baseUrl == null) {
				throw new IllegalArgumentException(prefix + ".base-url is required");
			}
			if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme()) || baseUrl.getHost() == null
					|| baseUrl.getRawUserInfo() != null || baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
				throw new IllegalArgumentException(prefix + ".base-url must be an http or https URL without credentials, "
						+ "query or fragment, was " + baseUrl);
			}
			if (ttl.isNegative() || ttl.isZero()) {
				throw new IllegalArgumentException(prefix + ".ttl must be positive");
			}
			if (timeout.isNegative() || timeout.isZero()) {
				throw new IllegalArgumentException(prefix + ".timeout must be positive");
			}
			if (maxResponseSize.toBytes() < 1 || maxResponseSize.compareTo(LARGEST_RESPONSE_SIZE) > 0) {
				throw new IllegalArgumentException(prefix + ".max-response-size must be between 1B and " + LARGEST_RESPONSE_SIZE);
			}
		}
	}
}
