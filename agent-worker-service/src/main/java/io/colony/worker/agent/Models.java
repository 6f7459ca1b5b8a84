package io.colony.worker.agent;

import io.colony.worker.catalog.AgentCatalog;
import io.colony.worker.catalog.ModelSpec;
import org.springframework.ai.chat.model.ChatModel;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Binds the catalog's models to the providers configured in this process. A task may name another catalog
 * model than its agent type's (a cheaper tier), or a provider model id directly as {@code <provider>:<id>}.
 */
public final class Models {

	/**
	 * A configured provider.
	 *
	 * @param defaultModel the model id used when a catalog model names none
	 */
	public record Provider(ChatModel chatModel, String defaultModel) {
	}

	private final AgentCatalog catalog;

	private final Map<String, Provider> providers;

	private final String defaultProvider;

	public Models(AgentCatalog catalog, Map<String, Provider> providers, String defaultProvider) {
		if (!providers.containsKey(defaultProvider)) {
			throw new IllegalArgumentException("default provider '" + defaultProvider + "' is not configured");
		}
		this.catalog = catalog;
		this.providers = Map.copyOf(providers);
		this.defaultProvider = defaultProvider;
	}

	/** Provider names usable by catalog models, {@code default} included. */
	public Set<String> providerNames() {
		return java.util.stream.Stream.concat(providers.keySet().stream(), java.util.stream.Stream.of(ModelSpec.DEFAULT_PROVIDER))
			.collect(java.util.stream.Collectors.toUnmodifiableSet());
	}

	/** @return empty when {@code name} is neither a catalog model nor {@code <provider>:<id>} of a configured provider */
	public Optional<ResolvedModel> resolve(String name) {
		ModelSpec spec = catalog.models().get(name);
		if (spec == null) {
			int colon = name.indexOf(':');
			if (colon <= 0 || colon == name.length() - 1) {
				return Optional.empty();
			}
			spec = new ModelSpec(name, name.substring(0, colon), name.substring(colon + 1), null, null);
		}
		String providerName = ModelSpec.DEFAULT_PROVIDER.equals(spec.provider()) ? defaultProvider : spec.provider();
		Provider provider = providers.get(providerName);
		if (provider == null) {
			return Optional.empty();
		}
		return Optional.of(new ResolvedModel(spec.name(), providerName, spec.id() != null ? spec.id() : provider.defaultModel(),
				provider.chatModel(), spec.temperature(), spec.maxTokens()));
	}

	/** The model id an agent type's calls go to by default, as announced to the registry. */
	public String modelIdOf(String catalogModel) {
		return resolve(catalogModel).map(ResolvedModel::id).orElse(catalogModel);
	}
}
