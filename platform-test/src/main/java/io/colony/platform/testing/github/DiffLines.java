package io.colony.platform.testing.github;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lines of a unified-diff patch (GitHub's {@code patch} field) a review comment may be placed on: {@code RIGHT}
 * lines are added and context lines of the new file, {@code LEFT} lines deleted and context lines of the old one.
 */
final class DiffLines {

	private static final Pattern HUNK = Pattern.compile("^@@ -(\\d+)(?:,(\\d+))? \\+(\\d+)(?:,(\\d+))? @@.*");

	private final Set<Integer> right = new HashSet<>();

	private final Set<Integer> left = new HashSet<>();

	private int additions;

	private int deletions;

	private DiffLines() {
	}

	static DiffLines of(String patch) {
		DiffLines lines = new DiffLines();
		if (patch == null) {
			return lines;
		}
		int oldLine = 0;
		int newLine = 0;
		boolean inHunk = false;
		for (String line : patch.split("\n", -1)) {
			Matcher hunk = HUNK.matcher(line);
			if (hunk.matches()) {
				oldLine = Integer.parseInt(hunk.group(1));
				newLine = Integer.parseInt(hunk.group(3));
				inHunk = true;
			}
			else if (!inHunk || line.startsWith("\\")) {
				continue;
			}
			else if (line.startsWith("+")) {
				lines.right.add(newLine++);
				lines.additions++;
			}
			else if (line.startsWith("-")) {
				lines.left.add(oldLine++);
				lines.deletions++;
			}
			else if (line.startsWith(" ")) {
				lines.right.add(newLine++);
				lines.left.add(oldLine++);
			}
		}
		return lines;
	}

	boolean commentable(String side, int line) {
		return "LEFT".equals(side) ? left.contains(line) : right.contains(line);
	}

	int additions() {
		return additions;
	}

	int deletions() {
		return deletions;
	}
}
