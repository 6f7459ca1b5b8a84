package io.colony.gateway.ratelimit;

import org.springframework.http.HttpMethod;

/** What a request draws on: job submissions and everything else are counted apart, so reads never starve submits. */
public enum Budget {

	SUBMISSIONS("submissions", "job submissions"),

	REQUESTS("requests", "requests");

	private final String key;

	private final String description;

	Budget(String key, String description) {
		this.key = key;
		this.description = description;
	}

	/** In Redis keys, problem documents and the {@code budget} tag of {@code colony.gateway.rate.limited}. */
	public String key() {
		return key;
	}

	String description() {
		return description;
	}

	/** {@code POST /api/v1/jobs} is a submission; any other API request is a request. */
	static Budget of(HttpMethod method, String path) {
		return HttpMethod.POST.equals(method) && path.equals("/api/v1/jobs") ? SUBMISSIONS : REQUESTS;
	}
}
