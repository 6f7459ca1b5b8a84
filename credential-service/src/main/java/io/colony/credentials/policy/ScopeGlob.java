package io.colony.credentials.policy;

import java.util.regex.Pattern;

/**
 * A policy rule's scope pattern: {@code *} stands for any run of characters (none included), everything else is
 * literal. {@code *:read} matches {@code inventory:read}; {@code *} matches every scope.
 */
record ScopeGlob(String pattern, Pattern regex) {

	static ScopeGlob of(String pattern) {
		if (pattern == null || pattern.isBlank()) {
			throw new IllegalArgumentException("a policy rule needs a scope pattern");
		}
		StringBuilder regex = new StringBuilder();
		for (String literal : pattern.split("\\*", -1)) {
			if (!regex.isEmpty()) {
				regex.append(".*");
			}
			regex.append(Pattern.quote(literal));
		}
		return new ScopeGlob(pattern, Pattern.compile(regex.toString()));
	}

	boolean matches(String scope) {
		return regex.matcher(scope).matches();
	}

	@Override
	public String toString() {
		return pattern;
	}
}
