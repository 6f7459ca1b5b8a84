package io.colony.worker.agent;

import io.colony.worker.catalog.AgentCatalog;
import io.colony.worker.catalog.AgentType;
import io.colony.worker.catalog.CatalogException;
import io.colony.worker.tool.AgentTool;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every tool this worker can offer (built-ins and MCP servers' tools), by name, and which of them each agent
 * type may call. Tools are offered to the model as Spring AI {@link ToolCallback}s for their definitions
 * only: the agent loop runs them itself, asynchronously, so the model's internal tool execution never runs.
 */
public final class ToolBox {

	private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

	private final Map<String, AgentTool> tools = new LinkedHashMap<>();

	/** Per agent type name: the catalog is fixed for the process, so this is worked out once, not per task. */
	private final Map<String, Offer> offers = new java.util.concurrent.ConcurrentHashMap<>();

	public ToolBox(Collection<? extends AgentTool> tools) {
		for (AgentTool tool : tools) {
			if (!NAME.matcher(tool.name()).matches()) {
				throw new CatalogException("tool name '" + tool.name() + "' is invalid: use 1 to 64 of a-z, A-Z, 0-9, _ and -");
			}
			if (this.tools.putIfAbsent(tool.name(), tool) != null) {
				throw new CatalogException("two tools are named '" + tool.name() + "'");
			}
		}
	}

	public Set<String> names() {
		return tools.keySet();
	}

	AgentTool get(String name) {
		return tools.get(name);
	}

	/** The tools {@code type} may call, in catalog order, with their definitions for the model. */
	Offer offeredTo(AgentType type) {
		return offers.computeIfAbsent(type.name(), name -> {
			List<AgentTool> offered = AgentCatalog.toolsOf(type, tools.keySet()).stream().map(tools::get).toList();
			return new Offer(offered, offered.stream().<ToolCallback>map(Definition::new).toList());
		});
	}

	/**
	 * What one agent type's loop may call.
	 *
	 * @param definitions the same tools as Spring AI tool callbacks, for the prompt's options
	 */
	record Offer(List<AgentTool> tools, List<ToolCallback> definitions) {

		AgentTool named(String name) {
			return tools.stream().filter(tool -> tool.name().equals(name)).findFirst().orElse(null);
		}

		String names() {
			return String.join(", ", tools.stream().map(AgentTool::name).toList());
		}
	}

	/** A tool's definition for the model; calling it here is a bug, since the loop executes tools. */
	private record Definition(AgentTool tool) implements ToolCallback {

		@Override
		public ToolDefinition getToolDefinition() {
			return ToolDefinition.builder()
				.name(tool.name())
				.description(tool.description())
				.inputSchema(tool.inputSchema())
				.build();
		}

		@Override
		public String call(String toolInput) {
			throw new IllegalStateException("tool '" + tool.name() + "' is executed by the agent loop, not the model");
		}
	}
}
