package io.colony.worker.agent;

import io.colony.platform.pricing.PriceTable;
import io.colony.worker.catalog.AgentCatalog;
import io.colony.worker.catalog.ServedAgentTypes;
import io.colony.worker.llm.LlmProperties;
import io.colony.worker.telemetry.TaskTelemetry;
import io.colony.worker.tool.AgentTool;
import io.colony.worker.tool.mcp.McpTools;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.stream.Stream;


/**
 * The agent loop and what it needs. Start-up fails here, naming the agent type, when a served type names a
 * tool no built-in or MCP server offers, or a model whose provider is not configured. MCP tools are those the
 * servers listed at start-up.
 */
@Configuration(proxyBeanMethods = false)
class AgentConfiguration {

	private static final Logger log = LoggerFactory.getLogger(AgentConfiguration.class);

	@Bean
	ToolBox toolBox(ObjectProvider<AgentTool> builtIns, McpTools mcp) {
		return new ToolBox(Stream.concat(builtIns.orderedStream(), mcp.tools().stream()).toList());
	}

	/** Each LLM step is priced at the platform's price table; unpriced models cost nothing. */
	@Bean
	Pricing pricing(PriceTable prices) {
		return prices::cost;
	}

	@Bean
	AgentLoop agentLoop(AgentCatalog catalog, ServedAgentTypes served, Models models, CallGuard guard, ToolBox tools,
			LlmProperties llm, ObjectProvider<Pricing> pricing, TaskTelemetry telemetry) {
		catalog.requireResolvable(served.all(), tools.names(), models.providerNames());
		log.info("serving agent types {} with tools {}", served.names(), tools.names());
		return new AgentLoop(models, guard, llm.cache().maxEntries(), llm.cache().ttl(), llm.timeout(), tools,
				pricing.getIfAvailable(() -> Pricing.FREE), telemetry);
	}
}
