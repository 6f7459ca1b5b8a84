package io.colony.platform.pricing;

/**
 * Tokens guessed before a call, as whitespace-separated words: cheap, deterministic, and the same wherever a
 * budget is checked ahead of time (the orchestrator at submit, the worker before each LLM step). Real token
 * counts are lower for English prose and higher for code; budgets are enforced on what providers report.
 */
public final class TokenEstimate {

	private TokenEstimate() {
	}

	public static int words(String text) {
		if (text == null) {
			return 0;
		}
		int words = 0;
		boolean inWord = false;
		for (int i = 0; i < text.length(); i++) {
			boolean space = Character.isWhitespace(text.charAt(i));
			if (!space && !inWord) {
				words++;
			}
			inWord = !space;
		}
		return words;
	}
}
