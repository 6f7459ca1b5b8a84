package io.colony.worker.agent;

import io.colony.contracts.AgentStep;
import io.colony.contracts.JobId;
import io.colony.contracts.JobInput;
import io.colony.contracts.Priority;
import io.colony.contracts.TaskAssigned;
import io.colony.contracts.TaskBudget;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import io.colony.worker.catalog.AgentCatalog;
import io.colony.worker.catalog.AgentType;
import io.colony.worker.llm.SimulatedChatModel;
import io.colony.worker.tool.AgentTool;
import io.colony.worker.tool.ToolFailure;
import io.colony.worker.tool.ToolInvocation;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The agent loop against the simulated model, whose tool calls are scripted by directives in the input. */
class AgentLoopTests {

	static final String CATALOG = """
			models:
			  standard: {provider: simulated}
			  economy: {provider: simulated, id: colony-simulated-economy}
			agent-types:
			  helper:
			    system-prompt: Help.
			    tools: [echo, broken]
			    limits: {max-steps: 5, max-tokens: 2000, timeout: PT10S}
			  loner:
			    system-prompt: Alone.
			""";

	final List<ToolInvocation> echoed = new CopyOnWriteArrayList<>();

	final AgentTool echo = tool("echo", invocation -> {
		echoed.add(invocation);
		return Mono.just("echo " + invocation.arguments());
	});

	final AgentTool broken = tool("broken", invocation -> Mono.error(new ToolFailure("disk on fire")));

	final AgentCatalog catalog = AgentCatalog.parse(new ByteArrayInputStream(CATALOG.getBytes(StandardCharsets.UTF_8)), "test");

	final Pricing pricing = (model, in, out) -> BigDecimal.valueOf(in + out).movePointLeft(6);

	AgentLoop loop(ResponseCache cache) {
		Models models = new Models(catalog,
				Map.of("simulated", new Models.Provider(new SimulatedChatModel(Duration.ZERO), SimulatedChatModel.MODEL)),
				"simulated");
		return new AgentLoop(models, new ModelCalls(CallGuard.NONE, cache, Duration.ofSeconds(5)),
				new ToolBox(List.of(echo, broken)), pricing);
	}

	AgentLoop loop() {
		return loop(new ResponseCache(0, Duration.ofMinutes(1), Clock.systemUTC()));
	}

	@Test
	void runsToolsStepByStepAndRecordsEveryStep() {
		LoopOutcome outcome = loop().run(task("The plan is ready. [[call echo {\"n\":1}]] [[call echo {\"n\":2}]]", null, null),
				type("helper")).block();

		assertThat(outcome).isInstanceOf(LoopOutcome.Answered.class);
		LoopOutcome.Answered answered = (LoopOutcome.Answered) outcome;
		assertThat(answered.output()).startsWith("Summary: The plan is ready.")
			.contains("[echo: echo {\"n\":1}]")
			.contains("[echo: echo {\"n\":2}]");
		assertThat(answered.steps()).extracting(AgentStep::kind)
			.containsExactly(AgentStep.LLM, AgentStep.TOOL, AgentStep.LLM, AgentStep.TOOL, AgentStep.LLM);
		assertThat(answered.steps()).extracting(AgentStep::number).containsExactly(1, 2, 3, 4, 5);
		assertThat(answered.steps().get(1).name()).isEqualTo("echo");
		assertThat(echoed).extracting(ToolInvocation::callNumber).containsExactly(1, 2);
		assertThat(answered.usage().llmCalls()).isEqualTo(3);
		assertThat(answered.usage().toolCalls()).isEqualTo(2);
		long tokens = answered.steps().stream().mapToLong(s -> s.promptTokens() + s.completionTokens()).sum();
		assertThat(answered.usage().totalTokens()).isEqualTo(tokens).isPositive();
		assertThat(answered.usage().costUsd()).isEqualByComparingTo(BigDecimal.valueOf(tokens).movePointLeft(6));
	}

	@Test
	void aToolErrorGoesBackToTheModelAsItsResult() {
		LoopOutcome.Answered answered = (LoopOutcome.Answered) loop()
			.run(task("Try it. [[call broken {}]]", null, null), type("helper"))
			.block();

		assertThat(answered.output()).contains("[broken: error: disk on fire]");
		assertThat(answered.steps().get(1).error()).isEqualTo("disk on fire");
	}

	@Test
	void anUnknownToolIsReportedToTheModelWithTheToolsItHas() {
		LoopOutcome.Answered answered = (LoopOutcome.Answered) loop()
			.run(task("Try it. [[call teleport {}]]", null, null), type("helper"))
			.block();

		assertThat(answered.output()).contains("unknown tool 'teleport'; available: echo, broken");
	}

	@Test
	void stopsAtTheStepLimitWithTheStepsSoFar() {
		LoopOutcome outcome = loop().run(task("Forever. [[repeat echo {}]]", null, null), type("helper")).block();

		assertThat(outcome).isInstanceOf(LoopOutcome.Stopped.class);
		LoopOutcome.Stopped stopped = (LoopOutcome.Stopped) outcome;
		assertThat(stopped.reason()).contains("step limit of 5");
		assertThat(stopped.retryable()).isFalse();
		assertThat(stopped.steps()).hasSize(5);
		assertThat(stopped.usage().toolCalls()).isEqualTo(2);
	}

	@Test
	void stopsWhenTheTokenLimitIsReached() {
		LoopOutcome outcome = loop().run(task("Wordy. [[tokens 900]] [[repeat echo {}]]", null, null), type("helper"))
			.block();

		LoopOutcome.Stopped stopped = (LoopOutcome.Stopped) outcome;
		assertThat(stopped.reason()).contains("token limit of 2000");
		assertThat(stopped.retryable()).isFalse();
		assertThat(stopped.usage().completionTokens()).isEqualTo(2700);
		assertThat(stopped.steps()).filteredOn(step -> step.kind().equals(AgentStep.TOOL)).hasSize(2);
	}

	@Test
	void theTaskBudgetTightensTheAgentTypesLimits() {
		LoopOutcome.Stopped byTokens = (LoopOutcome.Stopped) loop()
			.run(task("Wordy. [[tokens 300]] [[repeat echo {}]]", null, new TaskBudget(500L, null)), type("helper"))
			.block();
		assertThat(byTokens.reason()).contains("token limit of 500");

		LoopOutcome.Stopped byCost = (LoopOutcome.Stopped) loop()
			.run(task("Wordy. [[tokens 300]] [[repeat echo {}]]", null, new TaskBudget(null, new BigDecimal("0.0005"))),
					type("helper"))
			.block();
		assertThat(byCost.reason()).contains("cost limit of $0.0005");
		assertThat(byCost.usage().costUsd()).isGreaterThan(new BigDecimal("0.0005"));
	}

	@Test
	void aTaskMayRouteToAnotherModelButNotToAnUnknownOne() {
		LoopOutcome.Answered cheaper = (LoopOutcome.Answered) loop()
			.run(task("Short.", "economy", null), type("loner"))
			.block();
		assertThat(cheaper.steps()).singleElement().extracting(AgentStep::name).isEqualTo("colony-simulated-economy");

		LoopOutcome.Stopped unknown = (LoopOutcome.Stopped) loop().run(task("Short.", "gold", null), type("loner")).block();
		assertThat(unknown.reason()).isEqualTo("model 'gold' is not in this worker's catalog");
		assertThat(unknown.retryable()).isFalse();
	}

	@Test
	void identicalDeterministicCallsAreAnsweredFromTheCacheForFree() {
		ResponseCache cache = new ResponseCache(100, Duration.ofMinutes(1), Clock.systemUTC());
		AgentLoop loop = loop(cache);
		LoopOutcome.Answered first = (LoopOutcome.Answered) loop.run(task("Same words.", null, null), type("loner")).block();
		LoopOutcome.Answered second = (LoopOutcome.Answered) loop.run(task("Same words.", null, null), type("loner")).block();
		LoopOutcome.Answered other = (LoopOutcome.Answered) loop.run(task("Other words.", null, null), type("loner")).block();

		assertThat(first.steps().get(0).cached()).isFalse();
		assertThat(second.steps().get(0).cached()).isTrue();
		assertThat(second.usage().costUsd()).isEqualByComparingTo(BigDecimal.ZERO);
		assertThat(second.output()).isEqualTo(first.output());
		assertThat(other.steps().get(0).cached()).isFalse();
		assertThat(cache.size()).isEqualTo(2);
	}

	@Test
	void aProviderFailureStopsTheLoopAsRetryable() {
		Models models = new Models(catalog, Map.of("simulated", new Models.Provider(new FailingModel(), "x")), "simulated");
		AgentLoop loop = new AgentLoop(models,
				new ModelCalls(CallGuard.NONE, new ResponseCache(0, Duration.ofMinutes(1), Clock.systemUTC()), Duration.ofSeconds(5)),
				new ToolBox(List.of()), pricing);

		LoopOutcome.Stopped stopped = (LoopOutcome.Stopped) loop.run(task("x", null, null), type("loner")).block();

		assertThat(stopped.retryable()).isTrue();
		assertThat(stopped.reason()).contains("503");
		assertThat(stopped.steps()).singleElement().extracting(AgentStep::error).asString().contains("503");
	}

	AgentType type(String name) {
		return catalog.agentTypes().get(name);
	}

	static TaskAssigned task(String content, String model, TaskBudget budget) {
		return new TaskAssigned(JobId.random(), TaskId.random(), TenantId.of("acme"), "helper", "helper", 1, 3, "Do it.",
				new JobInput("in-1", content), Priority.NORMAL, null, Instant.now(), model, budget);
	}

	static AgentTool tool(String name, java.util.function.Function<ToolInvocation, Mono<String>> body) {
		return new AgentTool() {
			@Override
			public String name() {
				return name;
			}

			@Override
			public String description() {
				return "test tool " + name;
			}

			@Override
			public String inputSchema() {
				return "{\"type\":\"object\"}";
			}

			@Override
			public Mono<String> call(ToolInvocation invocation) {
				return body.apply(invocation);
			}
		};
	}

	static final class FailingModel implements org.springframework.ai.chat.model.ChatModel {

		@Override
		public org.springframework.ai.chat.model.ChatResponse call(org.springframework.ai.chat.prompt.Prompt prompt) {
			throw new UnsupportedOperationException();
		}

		@Override
		public reactor.core.publisher.Flux<org.springframework.ai.chat.model.ChatResponse> stream(
				org.springframework.ai.chat.prompt.Prompt prompt) {
			return reactor.core.publisher.Flux.error(
					new io.colony.worker.llm.ProviderException("test", 503, null, "test provider answered HTTP 503"));
		}
	}
}
