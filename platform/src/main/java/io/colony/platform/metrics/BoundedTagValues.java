package io.colony.platform.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a label's values bounded: the first {@code limit} distinct values are reported as they are, every later
 * one as {@value #OTHER}. For labels whose values arrive in messages (tenants, model names, capabilities): bounded
 * by configuration in a sane deployment, but a metric must not turn a misbehaving client into a million series.
 */
public final class BoundedTagValues {

	public static final String OTHER = "other";

	/** For a value that is missing, e.g. a task without a tenant. */
	public static final String UNKNOWN = "unknown";

	private final int limit;

	private final Set<String> seen = ConcurrentHashMap.newKeySet();

	public BoundedTagValues(int limit) {
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be at least 1, was " + limit);
		}
		this.limit = limit;
	}

	/** {@code value} itself while fewer than {@code limit} values were seen (or it is one of them). */
	public String of(String value) {
		if (value == null || value.isBlank()) {
			return UNKNOWN;
		}
		if (seen.contains(value)) {
			return value;
		}
		// Racing first sightings may let a few more values in than the limit; bounded either way.
		if (seen.size() < limit) {
			seen.add(value);
			return value;
		}
		return OTHER;
	}
}
