package io.colony.worker.catalog;

/**
 * A model an agent type (or a task, as a cheaper tier) may name.
 *
 * @param name the catalog's name for it, e.g. {@code standard} or {@code economy}
 * @param provider {@code simulated}, {@code openai} (any OpenAI-compatible endpoint), {@code anthropic}, or
 * {@code default} for {@code colony.worker.llm.provider}
 * @param id the provider's model id; {@code null} for the provider's configured default model
 * @param temperature sampling temperature; 0 makes calls deterministic, hence cacheable
 * @param maxTokens the most tokens one answer may have; {@code null} for the provider's default
 */
public record ModelSpec(String name, String provider, String id, Double temperature, Integer maxTokens) {

	public static final String DEFAULT_PROVIDER = "default";

	public ModelSpec {
		provider = provider == null || provider.isBlank() ? DEFAULT_PROVIDER : provider.strip().toLowerCase();
		id = id == null || id.isBlank() ? null : id.strip();
	}
}
