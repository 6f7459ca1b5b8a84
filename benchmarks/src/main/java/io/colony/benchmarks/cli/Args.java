package io.colony.benchmarks.cli;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options of the form {@code --name value}, {@code --name=value} or a bare {@code --flag}. Every
 * option a command reads must be known to it; anything else is a {@link UsageError}, so that a typo never
 * silently runs with a default.
 */
public final class Args {

	private final Map<String, String> values;

	private final Set<String> read = new HashSet<>();

	private Args(Map<String, String> values) {
		this.values = values;
	}

	/** @param flags options that take no value */
	public static Args parse(List<String> arguments, Set<String> flags) {
		Map<String, String> values = new HashMap<>();
		for (int i = 0; i < arguments.size(); i++) {
			String argument = arguments.get(i);
			if (!argument.startsWith("--") || argument.length() == 2) {
				throw new UsageError("unexpected argument '" + argument + "'");
			}
			String name = argument.substring(2);
			int equals = name.indexOf('=');
			if (equals >= 0) {
				values.put(name.substring(0, equals), name.substring(equals + 1));
			}
			else if (flags.contains(name)) {
				values.put(name, "true");
			}
			else if (i + 1 < arguments.size() && !arguments.get(i + 1).startsWith("--")) {
				values.put(name, arguments.get(++i));
			}
			else {
				throw new UsageError("option --" + name + " needs a value");
			}
		}
		return new Args(values);
	}

	public String string(String name, String defaultValue) {
		read.add(name);
		return values.getOrDefault(name, defaultValue);
	}

	public String optional(String name) {
		return string(name, null);
	}

	public int integer(String name, int defaultValue, int min, int max) {
		String text = string(name, null);
		if (text == null) {
			return defaultValue;
		}
		try {
			int value = Integer.parseInt(text);
			if (value < min || value > max) {
				throw new UsageError("--" + name + " must be between " + min + " and " + max + ", got " + value);
			}
			return value;
		}
		catch (NumberFormatException ex) {
			throw new UsageError("--" + name + " must be a whole number, got '" + text + "'");
		}
	}

	public Duration millis(String name, long defaultMillis) {
		return Duration.ofMillis(integer(name, (int) defaultMillis, 0, 3_600_000));
	}

	public boolean flag(String name) {
		return Boolean.parseBoolean(string(name, "false"));
	}

	public URI uri(String name, String defaultValue) {
		String text = string(name, defaultValue);
		if (text == null) {
			return null;
		}
		try {
			URI uri = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
			if (uri.getScheme() == null || uri.getHost() == null) {
				throw new IllegalArgumentException("no scheme or host");
			}
			return uri;
		}
		catch (IllegalArgumentException ex) {
			throw new UsageError("--" + name + " must be an http(s) URL, got '" + text + "'");
		}
	}

	/** Call after reading every option: rejects the ones the command does not know. */
	public void requireAllKnown() {
		for (String name : values.keySet()) {
			if (!read.contains(name)) {
				throw new UsageError("unknown option --" + name);
			}
		}
	}
}
