package io.colony.worker.catalog;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentCatalogTests {

	static AgentCatalog parse(String yaml) {
		return AgentCatalog.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yml");
	}

	@Test
	void theShippedCatalogDeclaresUsefulTypesThatResolveAgainstTheBuiltInTools() throws Exception {
		AgentCatalog catalog;
		try (InputStream shipped = getClass().getResourceAsStream("/colony/agents.yml")) {
			catalog = AgentCatalog.parse(shipped, "shipped");
		}
		assertThat(catalog.agentTypes()).containsKeys("summarizer", "document-extractor", "security-reviewer",
				"style-reviewer", "logic-reviewer", "test-reviewer", "supervisor", "operator");
		AgentType summarizer = catalog.agentTypes().get("summarizer");
		assertThat(summarizer.systemPrompt()).startsWith("Summarize the input in one or two sentences.");
		assertThat(summarizer.limits().maxSteps()).isEqualTo(4);
		assertThat(summarizer.limits().maxTokens()).isEqualTo(32_000);
		assertThat(catalog.agentTypes().get("security-reviewer").capability()).isEqualTo("security-review");
		assertThat(catalog.agentTypes().get("style-reviewer").model()).isEqualTo("economy");
		AgentType operator = catalog.agentTypes().get("operator");
		assertThat(operator.capability()).isEqualTo("operator");
		assertThat(operator.tools()).containsExactly("resource_api");
		assertThat(operator.limits().timeout()).as("room for a person to approve").isEqualTo(Duration.ofMinutes(20));
		catalog.requireResolvable(catalog.agentTypes().values(),
				Set.of("http_fetch", "spawn_subtasks", "memory_read", "memory_write", "resource_api"),
				Set.of("simulated", "openai", "default"));
	}

	@Test
	void limitsFallBackToTheCatalogDefaults() {
		AgentCatalog catalog = parse("""
				defaults:
				  limits: {max-steps: 3, timeout: PT30S}
				agent-types:
				  a: {limits: {max-tokens: 100}}
				""");
		assertThat(catalog.agentTypes().get("a").limits()).isEqualTo(new AgentLimits(3, 100, Duration.ofSeconds(30)));
		assertThat(catalog.agentTypes().get("a").model()).isEqualTo("standard");
	}

	@Test
	void aTypoIsNamedWithWhereItIs() {
		assertThatThrownBy(() -> parse("""
				agent-types:
				  a: {system-promt: hi}
				"""))
			.isInstanceOf(CatalogException.class)
			.hasMessageContaining("unknown setting 'system-promt'");
	}

	@Test
	void unknownModelsProvidersAndToolsFailWithTheNamesThatAreKnown() {
		assertThatThrownBy(() -> parse("""
				models: {standard: {provider: simulated}}
				agent-types: {a: {model: gpt-9}}
				"""))
			.hasMessageContaining("agent type 'a' names unknown model 'gpt-9' (declared models: standard)");
		assertThatThrownBy(() -> parse("""
				models: {standard: {provider: watson}}
				agent-types: {a: {}}
				"""))
			.hasMessageContaining("model 'standard' names unknown provider 'watson'");
		AgentCatalog catalog = parse("""
				models: {standard: {provider: anthropic}}
				agent-types: {a: {tools: [http_fetch, files_*]}}
				""");
		assertThatThrownBy(() -> catalog.requireResolvable(catalog.agentTypes().values(), Set.of("files_read"),
				Set.of("simulated", "anthropic")))
			.hasMessageContaining("agent type 'a' names unknown tool 'http_fetch' (available: files_read)");
		assertThatThrownBy(() -> catalog.requireResolvable(catalog.agentTypes().values(),
				Set.of("http_fetch", "files_read"), Set.of("simulated", "openai")))
			.hasMessageContaining("provider 'anthropic', which is not configured");
		assertThat(AgentCatalog.toolsOf(catalog.agentTypes().get("a"), List.of("files_write", "files_read", "http_fetch")))
			.containsExactly("http_fetch", "files_read", "files_write");
	}

	@Test
	void aCapabilityThatCannotNameAQueueIsRejectedWithTheRule() {
		assertThatThrownBy(() -> parse("agent-types: {reviewer: {capability: Code Review}}"))
			.isInstanceOf(CatalogException.class)
			.hasMessageContaining("agent type 'reviewer' has an invalid capability 'Code Review'");
	}

	@Test
	void aWorkerServesTheNamedTypesAndConsumesASharedCapabilityOnce() {
		AgentCatalog catalog = parse("""
				agent-types:
				  a: {capability: shared}
				  b: {capability: shared}
				  c: {}
				""");
		ServedAgentTypes all = new ServedAgentTypes(catalog, List.of());
		assertThat(all.capabilities()).containsExactly("shared", "c");
		assertThat(new ServedAgentTypes(catalog, List.of("c")).names()).containsExactly("c");
		assertThatThrownBy(() -> new ServedAgentTypes(catalog, List.of("z")))
			.hasMessageContaining("names agent type 'z', which the catalog does not declare (declared: a, b, c)");
	}
}
