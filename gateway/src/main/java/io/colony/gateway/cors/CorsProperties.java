package io.colony.gateway.cors;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;

/**
 * Which other origins may call the API from a browser. The console is served by the gateway itself, so it needs
 * none: by default no cross-origin call is allowed anywhere. Set origins only when the console is hosted elsewhere.
 *
 * @param allowedOrigins exact origins ({@code https://console.example.com}, scheme, host and port; no path, no
 * wildcard: the console holds an operator's token)
 * @param paths the API paths (path patterns) the console calls; no other path answers a cross-origin call
 * @param maxAge how long a browser may cache a preflight's answer
 */
@ConfigurationProperties("colony.gateway.cors")
public record CorsProperties(List<String> allowedOrigins, List<String> paths, Duration maxAge) {

	/** What the console calls: the credential broker's operator API and its event stream. */
	static final List<String> CONSOLE_PATHS = List.of("/api/v1/credentials/**");

	public CorsProperties {
		allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
		paths = paths == null || paths.isEmpty() ? CONSOLE_PATHS : List.copyOf(paths);
		maxAge = maxAge == null ? Duration.ofMinutes(10) : maxAge;
		allowedOrigins.forEach(CorsProperties::requireOrigin);
		paths.forEach(path -> {
			if (!path.startsWith("/api/")) {
				throw new IllegalArgumentException("colony.gateway.cors.paths must name API paths (/api/...), not " + path);
			}
		});
		if (maxAge.isNegative()) {
			throw new IllegalArgumentException("colony.gateway.cors.max-age must not be negative");
		}
	}

	private static void requireOrigin(String origin) {
		try {
			URI uri = new URI(origin);
			boolean bare = uri.getScheme() != null && (uri.getScheme().equals("https") || uri.getScheme().equals("http"))
					&& uri.getHost() != null && !uri.getHost().contains("*") && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
					&& uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
			if (bare) {
				return;
			}
		}
		catch (URISyntaxException ex) {
			// answered below
		}
		throw new IllegalArgumentException("colony.gateway.cors.allowed-origins entries must be origins like "
				+ "https://console.example.com (scheme, host, optional port; no path or wildcard), not '" + origin + "'");
	}
}
