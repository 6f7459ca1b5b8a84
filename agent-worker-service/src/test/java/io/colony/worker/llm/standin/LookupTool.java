package io.colony.worker.llm.standin;

import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;

/** A tool declared to a model under test; the models only declare tools, so running it fails the test. */
public final class LookupTool implements ToolCallback {

	public static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"word\":{\"type\":\"string\"}},\"required\":[\"word\"]}";

	private final ToolDefinition definition = ToolDefinition.builder()
		.name("lookup")
		.description("Looks a word up.")
		.inputSchema(SCHEMA)
		.build();

	@Override
	public ToolDefinition getToolDefinition() {
		return definition;
	}

	@Override
	public String call(String arguments) {
		throw new AssertionError("a chat model declares tools, it never runs them");
	}
}
