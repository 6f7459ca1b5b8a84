package io.colony.worker.tool.mcp;

import io.colony.contracts.AgentStep;
import io.colony.contracts.JobId;
import io.colony.contracts.JobInput;
import io.colony.contracts.Priority;
import io.colony.contracts.TaskAssigned;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import io.colony.worker.agent.AgentLoop;
import io.colony.worker.agent.CallGuard;
import io.colony.worker.agent.LoopOutcome;
import io.colony.worker.agent.Models;
import io.colony.worker.agent.Pricing;
import io.colony.worker.agent.ToolBox;
import io.colony.worker.catalog.AgentCatalog;
import io.colony.worker.llm.SimulatedChatModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent loop calling tools of a real third-party MCP server process ({@code server-everything} from the
 * npm registry, over stdio), driven by the simulated model: results go back to the model, and so do errors.
 */
class McpAgentLoopIntegrationTests {

	private static McpTools everything;

	private static AgentLoop loop;

	private static AgentCatalog catalog;

	@BeforeAll
	static void start() throws Exception {
		McpServersProperties.Server server = new McpServersProperties.Server(McpServersProperties.Transport.STDIO, "node",
				List.of(McpToolsIntegrationTests.install().toString(), "stdio"), null, null, null, null, null);
		everything = McpTools.start(new McpServersProperties(Map.of("everything", server)));
		catalog = AgentCatalog.parse(new ByteArrayInputStream("""
				models: {standard: {provider: simulated}}
				agent-types:
				  operator: {tools: [everything_*], limits: {max-steps: 6, max-tokens: 5000, timeout: PT30S}}
				""".getBytes(StandardCharsets.UTF_8)), "test");
		Models models = new Models(catalog,
				Map.of("simulated", new Models.Provider(new SimulatedChatModel(Duration.ofMillis(10)), "colony-simulated")),
				"simulated");
		loop = new AgentLoop(models, CallGuard.NONE, 0, Duration.ofMinutes(1), Duration.ofSeconds(30),
				new ToolBox(everything.tools()), Pricing.FREE);
	}

	@AfterAll
	static void stop() {
		if (everything != null) {
			everything.close();
		}
	}

	@Test
	void theModelCallsMcpToolsStepByStepAndReadsTheirResults() {
		LoopOutcome outcome = loop.run(task("Check the tide. [[call everything_echo {\"message\":\"tide report\"}]] "
				+ "[[call everything_get-sum {\"a\":2,\"b\":3}]]"), catalog.agentTypes().get("operator")).block(Duration.ofSeconds(60));

		assertThat(outcome).isInstanceOf(LoopOutcome.Answered.class);
		LoopOutcome.Answered answered = (LoopOutcome.Answered) outcome;
		assertThat(answered.output()).contains("[everything_echo: Echo: tide report]").contains("5");
		assertThat(answered.steps()).filteredOn(step -> step.kind().equals(AgentStep.TOOL))
			.extracting(AgentStep::name)
			.containsExactly("everything_echo", "everything_get-sum");
		assertThat(answered.steps()).allSatisfy(step -> assertThat(step.error()).isNull());
	}

	@Test
	void anMcpErrorGoesBackToTheModelAndTheLoopCarriesOn() {
		LoopOutcome.Answered answered = (LoopOutcome.Answered) loop
			.run(task("Add. [[call everything_get-sum {\"a\":\"two\"}]]"), catalog.agentTypes().get("operator"))
			.block(Duration.ofSeconds(60));

		assertThat(answered.output()).contains("[everything_get-sum: error:");
		assertThat(answered.steps().get(1).error()).isNotBlank();
		assertThat(answered.steps()).hasSize(3);
	}

	private static TaskAssigned task(String content) {
		return new TaskAssigned(JobId.random(), TaskId.random(), TenantId.of("acme"), "operator", "operator", 1, 1, "Go.",
				new JobInput("in-1", content), Priority.NORMAL, null, Instant.now());
	}
}
