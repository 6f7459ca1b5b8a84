package io.colony.worker.github;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lines of the new file a review comment may be placed on ({@code side: RIGHT}): the added and context lines of
 * a file's patch (GitHub's unified diff, hunk headers {@code @@ -a,b +c,d @@}). A finding on any other line cannot be
 * an inline comment; GitHub would refuse the whole review with a 422.
 */
final class DiffLines {

	private static final Pattern HUNK = Pattern.compile("^@@ -\\d+(?:,\\d+)? \\+(\\d+)(?:,\\d+)? @@.*");

	private final Set<Integer> right = new HashSet<>();

	private DiffLines() {
	}

	static DiffLines of(String patch) {
		DiffLines lines = new DiffLines();
		if (patch == null) {
			return lines;
		}
		int newLine = 0;
		boolean inHunk = false;
		for (String line : patch.split("\n", -1)) {
			Matcher hunk = HUNK.matcher(line);
			if (hunk.matches()) {
				newLine = Integer.parseInt(hunk.group(1));
				inHunk = true;
			}
			else if (inHunk && (line.startsWith("+") || line.startsWith(" "))) {
				lines.right.add(newLine++);
			}
		}
		return lines;
	}

	boolean commentable(int line) {
		return right.contains(line);
	}
}
