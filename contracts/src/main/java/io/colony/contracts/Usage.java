package io.colony.contracts;

/** Resources one task (or, summed, one job) consumed. */
public record Usage(long promptTokens, long completionTokens, long llmCalls) {

	public static final Usage NONE = new Usage(0, 0, 0);

	public Usage plus(Usage other) {
		return new Usage(promptTokens + other.promptTokens, completionTokens + other.completionTokens,
				llmCalls + other.llmCalls);
	}
}
