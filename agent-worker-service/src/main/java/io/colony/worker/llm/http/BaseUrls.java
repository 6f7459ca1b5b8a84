package io.colony.worker.llm.http;

import java.net.URI;

/** What every provider's {@code base-url} setting is checked and normalised with. */
public final class BaseUrls {

	private BaseUrls() {
	}

	/** {@code url} stripped of surrounding blanks and one trailing slash, so paths can be appended. */
	public static String normalize(String url) {
		String stripped = url.strip();
		return stripped.endsWith("/") ? stripped.substring(0, stripped.length() - 1) : stripped;
	}

	/** Whether {@code url} is an absolute http(s) URL with a host. */
	public static boolean isHttp(String url) {
		try {
			URI uri = URI.create(url);
			return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
		}
		catch (IllegalArgumentException invalid) {
			return false;
		}
	}
}
