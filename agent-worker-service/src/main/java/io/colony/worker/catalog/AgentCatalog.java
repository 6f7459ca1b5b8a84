package io.colony.worker.catalog;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.InputStream;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The agent types and models a deployment declares, read from YAML ({@code colony.worker.catalog.location}).
 * Everything that can be checked without the providers and tools is checked here, with messages that name
 * the entry; what needs them (provider configured, tool known) is checked by {@link #requireResolvable}.
 */
public record AgentCatalog(Map<String, ModelSpec> models, Map<String, AgentType> agentTypes) {

	static final Set<String> PROVIDERS = Set.of("simulated", "openai", "anthropic", ModelSpec.DEFAULT_PROVIDER);

	private static final YAMLMapper YAML = YAMLMapper.builder()
		.propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
		.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	public AgentCatalog {
		models = Map.copyOf(models);
		agentTypes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(agentTypes));
	}

	public static AgentCatalog parse(InputStream yaml, String source) {
		Document document;
		try {
			document = YAML.readValue(yaml, Document.class);
		}
		catch (UnrecognizedPropertyException unknown) {
			throw new CatalogException("agent catalog " + source + ": unknown setting '" + unknown.getPropertyName()
					+ "' at " + unknown.getPathReference() + " (known: " + unknown.getKnownPropertyIds() + ")");
		}
		catch (JacksonException malformed) {
			throw new CatalogException("agent catalog " + source + " is not valid: " + malformed.getOriginalMessage()
					+ " at " + malformed.getPathReference());
		}
		if (document == null || document.agentTypes() == null || document.agentTypes().isEmpty()) {
			throw new CatalogException("agent catalog " + source + " declares no agent-types");
		}
		Defaults defaults = document.defaults() == null ? new Defaults(null, null) : document.defaults();
		AgentLimits defaultLimits = defaults.limits() == null ? AgentLimits.DEFAULTS
				: defaults.limits().toLimits().orDefaults(AgentLimits.DEFAULTS);
		Map<String, ModelSpec> models = new LinkedHashMap<>();
		if (document.models() != null) {
			document.models().forEach((name, entry) -> models.put(name, entry.toSpec(name)));
		}
		if (models.isEmpty()) {
			models.put("standard", new ModelSpec("standard", null, null, null, null));
		}
		for (ModelSpec model : models.values()) {
			if (!PROVIDERS.contains(model.provider())) {
				throw new CatalogException("agent catalog " + source + ": model '" + model.name()
						+ "' names unknown provider '" + model.provider() + "' (known: simulated, openai, anthropic, default)");
			}
		}
		String defaultModel = defaults.model() != null ? defaults.model() : models.keySet().iterator().next();
		Map<String, AgentType> types = new LinkedHashMap<>();
		document.agentTypes().forEach((name, entry) -> {
			AgentType type = entry.toType(name, defaultModel, defaultLimits);
			type.limits().validate(name);
			if (!models.containsKey(type.model())) {
				throw new CatalogException("agent catalog " + source + ": agent type '" + name + "' names unknown model '"
						+ type.model() + "' (declared models: " + String.join(", ", models.keySet()) + ")");
			}
			types.put(name, type);
		});
		return new AgentCatalog(models, types);
	}

	/**
	 * Fails with every agent type whose tools or model provider this worker cannot supply.
	 *
	 * @param tools every tool name available (built-ins and MCP); an entry {@code <server>_*} in a type's
	 * tools matches all tools of that MCP server
	 * @param providers providers configured in this process
	 */
	public void requireResolvable(Collection<AgentType> served, Set<String> tools, Set<String> providers) {
		for (AgentType type : served) {
			for (String tool : type.tools()) {
				boolean known = tool.endsWith("*") ? tools.stream().anyMatch(t -> t.startsWith(tool.substring(0, tool.length() - 1)))
						: tools.contains(tool);
				if (!known) {
					throw new CatalogException("agent type '" + type.name() + "' names unknown tool '" + tool
							+ "' (available: " + String.join(", ", tools.stream().sorted().toList()) + ")");
				}
			}
			String provider = models.get(type.model()).provider();
			if (!providers.contains(provider)) {
				throw new CatalogException("agent type '" + type.name() + "' uses model '" + type.model() + "' of provider '"
						+ provider + "', which is not configured (configured: " + String.join(", ", providers.stream().sorted().toList()) + ")");
			}
		}
	}

	/** The tool names {@code type} may call, with {@code <server>_*} patterns expanded against {@code available}. */
	public static List<String> toolsOf(AgentType type, Collection<String> available) {
		return type.tools().stream()
			.flatMap(tool -> tool.endsWith("*")
					? available.stream().filter(t -> t.startsWith(tool.substring(0, tool.length() - 1))).sorted()
					: java.util.stream.Stream.of(tool))
			.distinct()
			.toList();
	}

	record Document(Defaults defaults, Map<String, ModelEntry> models, Map<String, TypeEntry> agentTypes) {
	}

	record Defaults(String model, LimitsEntry limits) {
	}

	record ModelEntry(String provider, String id, Double temperature, Integer maxTokens) {

		ModelSpec toSpec(String name) {
			return new ModelSpec(name, provider, id, temperature, maxTokens);
		}
	}

	record LimitsEntry(Integer maxSteps, Long maxTokens, Duration timeout) {

		AgentLimits toLimits() {
			return new AgentLimits(maxSteps == null ? 0 : maxSteps, maxTokens == null ? 0 : maxTokens, timeout);
		}
	}

	record TypeEntry(String capability, String description, String systemPrompt, String model, List<String> tools,
			LimitsEntry limits, String handler) {

		AgentType toType(String name, String defaultModel, AgentLimits defaultLimits) {
			AgentLimits own = limits == null ? defaultLimits : limits.toLimits().orDefaults(defaultLimits);
			return new AgentType(name, capability, description, systemPrompt, model == null ? defaultModel : model,
					tools, own, handler);
		}
	}
}
