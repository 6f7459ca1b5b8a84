package io.colony.worker.github;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which files of a pull request are reviewed: those matching one of {@code paths} and none of {@code excludePaths}.
 * Globs as in GitHub's own settings: {@code **} any run of directories (also none: {@code **}{@code /*.md} matches
 * {@code README.md}), {@code *} any characters within one path segment, {@code ?} one such character.
 */
final class PathGlobs {

	private final List<Pattern> include;

	private final List<Pattern> exclude;

	PathGlobs(List<String> include, List<String> exclude) {
		this.include = (include.isEmpty() ? List.of("**") : include).stream().map(PathGlobs::compile).toList();
		this.exclude = exclude.stream().map(PathGlobs::compile).toList();
	}

	boolean matches(String path) {
		return include.stream().anyMatch(p -> p.matcher(path).matches())
				&& exclude.stream().noneMatch(p -> p.matcher(path).matches());
	}

	static Pattern compile(String glob) {
		StringBuilder regex = new StringBuilder();
		for (int i = 0; i < glob.length(); i++) {
			char c = glob.charAt(i);
			if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
				boolean slash = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
				regex.append(slash ? "(?:.*/)?" : ".*");
				i += slash ? 2 : 1;
			}
			else if (c == '*') {
				regex.append("[^/]*");
			}
			else if (c == '?') {
				regex.append("[^/]");
			}
			else {
				regex.append(Pattern.quote(String.valueOf(c)));
			}
		}
		return Pattern.compile(regex.toString());
	}
}
