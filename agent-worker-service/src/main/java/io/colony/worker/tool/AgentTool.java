package io.colony.worker.tool;

import reactor.core.publisher.Mono;

/**
 * A tool an agent may call from its loop. A call returns a {@link Mono} so that a tool waiting on the
 * network, a child job or an MCP server holds no thread.
 *
 * <p>Contract: a tool reports what went wrong by failing the {@code Mono} with a {@link ToolFailure} (or
 * any exception); the agent loop turns the failure into a tool result the model sees ("error: …") and
 * carries on. A tool never throws from {@link #call} itself.
 */
public interface AgentTool {

	/** What the model calls it: {@code [a-zA-Z0-9_-]{1,64}}, unique within a worker. */
	String name();

	/** What the model reads to decide when to call it. */
	String description();

	/** JSON Schema (an {@code object}) of the arguments. */
	String inputSchema();

	/**
	 * Runs the tool.
	 * @param invocation who calls, and the arguments as the model wrote them (JSON, possibly malformed)
	 * @return the result text the model reads next
	 */
	Mono<String> call(ToolInvocation invocation);
}
