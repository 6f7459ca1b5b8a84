package io.colony.contracts;

/**
 * One stage of a {@link Pipeline}.
 *
 * @param name names the stage's results ({@code <name>/<input id>} per input, {@code <name>} for a {@code once}
 * stage); lower-case letters, digits and dashes, unique in the pipeline; {@code null} for {@code stage<n>}
 * (1-based)
 * @param fanOut {@code null} for {@link FanOut#PER_INPUT}
 */
public record PipelineStage(String name, String agent, String instruction, FanOut fanOut) {

	public PipelineStage {
		fanOut = fanOut == null ? FanOut.PER_INPUT : fanOut;
	}

	public PipelineStage(String agent, String instruction, FanOut fanOut) {
		this(null, agent, instruction, fanOut);
	}
}
