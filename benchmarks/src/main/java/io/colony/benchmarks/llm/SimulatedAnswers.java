package io.colony.benchmarks.llm;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The simulator's "model": a pure function of the last user message, so that a run can be repeated and a
 * result checked against its input. Token counts are the usual rough estimate of four characters a token.
 */
final class SimulatedAnswers {

	private static final int WORDS_KEPT = 12;

	private SimulatedAnswers() {
	}

	static String answer(String lastUserMessage) {
		String text = lastUserMessage == null ? "" : lastUserMessage.strip();
		if (text.isEmpty()) {
			return "Nothing to summarise.";
		}
		String[] words = text.split("\\s+");
		String head = String.join(" ", Arrays.copyOf(words, Math.min(WORDS_KEPT, words.length)));
		CRC32 crc = new CRC32();
		crc.update(text.getBytes(StandardCharsets.UTF_8));
		return "Summary (" + words.length + " words): " + head + (words.length > WORDS_KEPT ? " ..." : "") + " [sim-"
				+ String.format("%08x", crc.getValue()) + "]";
	}

	static int tokens(String text) {
		return text == null || text.isEmpty() ? 0 : Math.max(1, (text.length() + 3) / 4);
	}

	/** Pieces of {@code answer} for a streamed reply: words with their following space, concatenating back to it. */
	static List<String> pieces(String answer) {
		return Arrays.asList(answer.split("(?<= )"));
	}
}
