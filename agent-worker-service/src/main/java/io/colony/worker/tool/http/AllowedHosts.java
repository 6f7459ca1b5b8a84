package io.colony.worker.tool.http;

import io.colony.worker.tool.ToolFailure;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * Which URLs {@code http_fetch} may open. An entry is {@code [scheme://]host[:port]}, read like a host
 * source of a Content Security Policy:
 * <ul>
 * <li>{@code example.com} matches that host only; {@code *.example.com} matches its sub-domains at any depth
 * but not {@code example.com} itself;</li>
 * <li>without a scheme both {@code http} and {@code https} match; with one, only that scheme;</li>
 * <li>without a port only the scheme's default port (80, 443) matches; with one, only that port.</li>
 * </ul>
 * Host names compare case-insensitively and without a trailing dot. IPv6 hosts are written in brackets.
 */
final class AllowedHosts {

	private final List<Rule> rules;

	private final List<String> entries;

	private AllowedHosts(List<Rule> rules, List<String> entries) {
		this.rules = rules;
		this.entries = entries;
	}

	/** @throws IllegalArgumentException naming the first entry that cannot be read, and why */
	static AllowedHosts parse(List<String> entries) {
		List<String> trimmed = entries.stream().map(String::trim).toList();
		return new AllowedHosts(trimmed.stream().map(AllowedHosts::rule).toList(), trimmed);
	}

	/** @throws ToolFailure saying why the URL may not be fetched */
	void check(URI url) {
		String scheme = url.getScheme() == null ? null : url.getScheme().toLowerCase(Locale.ROOT);
		if (!"http".equals(scheme) && !"https".equals(scheme)) {
			throw new ToolFailure("only http and https URLs can be fetched, not '" + url + "'");
		}
		if (url.getRawUserInfo() != null) {
			throw new ToolFailure("URLs with credentials (user:password@) cannot be fetched");
		}
		if (url.getHost() == null) {
			throw new ToolFailure("'" + url + "' has no host");
		}
		String host = normalise(url.getHost());
		int port = url.getPort() == -1 ? defaultPort(scheme) : url.getPort();
		if (rules.stream().noneMatch(rule -> rule.matches(scheme, host, port))) {
			String allowed = entries.isEmpty() ? "no host is allowed" : "allowed: " + String.join(", ", entries);
			throw new ToolFailure("host '" + host + (url.getPort() == -1 ? "" : ":" + port)
					+ "' is not on the allow-list of http_fetch (" + allowed + ")");
		}
	}

	private static Rule rule(String entry) {
		String rest = entry;
		String scheme = null;
		int separator = entry.indexOf("://");
		if (separator >= 0) {
			scheme = entry.substring(0, separator).toLowerCase(Locale.ROOT);
			rest = entry.substring(separator + 3);
			if (!scheme.equals("http") && !scheme.equals("https")) {
				throw invalid(entry, "the scheme must be http or https");
			}
		}
		boolean wildcard = rest.startsWith("*.");
		if (wildcard) {
			rest = rest.substring(2);
		}
		if (rest.isEmpty() || rest.contains("*")) {
			throw invalid(entry, "use a host name, or '*.' followed by a domain");
		}
		URI parsed;
		try {
			parsed = new URI("http://" + rest);
		}
		catch (URISyntaxException ex) {
			throw invalid(entry, "not a host name with an optional port");
		}
		if (parsed.getHost() == null || parsed.getRawUserInfo() != null || !parsed.getRawPath().isEmpty()
				|| parsed.getRawQuery() != null || parsed.getRawFragment() != null) {
			throw invalid(entry, "not a host name with an optional port (no path, query or credentials)");
		}
		Integer port = parsed.getPort() == -1 ? null : parsed.getPort();
		return new Rule(scheme, normalise(parsed.getHost()), wildcard, port);
	}

	private static IllegalArgumentException invalid(String entry, String reason) {
		return new IllegalArgumentException(
				"colony.worker.tools.http-fetch.allowed-hosts has an invalid entry '" + entry + "': " + reason);
	}

	private static String normalise(String host) {
		String lower = host.toLowerCase(Locale.ROOT);
		return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
	}

	static int defaultPort(String scheme) {
		return "https".equals(scheme) ? 443 : 80;
	}

	/** @param scheme null for both http and https; @param port null for the scheme's default port */
	private record Rule(String scheme, String host, boolean wildcard, Integer port) {

		boolean matches(String scheme, String host, int port) {
			boolean schemeMatches = this.scheme == null || this.scheme.equals(scheme);
			boolean hostMatches = wildcard ? host.endsWith("." + this.host) : host.equals(this.host);
			boolean portMatches = this.port == null ? port == defaultPort(scheme) : port == this.port;
			return schemeMatches && hostMatches && portMatches;
		}
	}
}
