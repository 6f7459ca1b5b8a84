package io.colony.platform.pricing;

import io.colony.platform.pricing.PricingProperties.ModelPrice;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What LLM calls cost, per model. Immutable and thread-safe.
 *
 * <p>A model name is looked up case-insensitively: first as given, then without a provider prefix
 * ({@code openai/gpt-4o} → {@code gpt-4o}) and without a dated or {@code -latest} version suffix
 * ({@code gpt-4o-mini-2024-07-18}, {@code claude-3-5-haiku-20241022}, {@code claude-3-5-haiku-latest}). A
 * model that still matches nothing is unpriced: its calls cost zero and {@link #isPriced} is {@code false}, so
 * callers can tell "free" from "unknown".
 */
public final class PriceTable {

	private static final Pattern VERSION_SUFFIX = Pattern.compile("-(\\d{4}-\\d{2}-\\d{2}|\\d{8}|latest)$");

	private static final int MAX_REMEMBERED = 1024;

	private final Map<String, ModelPrice> prices;

	/**
	 * Lookups by the name callers use: every priced LLM step asks, with a handful of distinct names, so each
	 * name is matched (prefix and version suffix stripped) once.
	 */
	private final Map<String, Optional<ModelPrice>> resolved = new java.util.concurrent.ConcurrentHashMap<>();

	public PriceTable(PricingProperties properties) {
		Map<String, ModelPrice> byName = new HashMap<>();
		properties.models().forEach((model, price) -> byName.put(key(model), price));
		this.prices = Map.copyOf(byName);
	}

	/** The table shipped with the platform, without any configuration (tests, tools). */
	public static PriceTable defaults() {
		return new PriceTable(PricingDefaults.load());
	}

	/** Whether {@code model} has a price (zero counts as a price). */
	public boolean isPriced(String model) {
		return priceOf(model).isPresent();
	}

	public Optional<ModelPrice> priceOf(String model) {
		if (model == null || model.isBlank()) {
			return Optional.empty();
		}
		// names come from jobs too: past a bound, match without remembering, so clients cannot grow the map
		return resolved.size() < MAX_REMEMBERED ? resolved.computeIfAbsent(model, this::match) : match(model);
	}

	private Optional<ModelPrice> match(String model) {
		String name = key(model);
		ModelPrice price = prices.get(name);
		if (price != null) {
			return Optional.of(price);
		}
		int slash = name.lastIndexOf('/');
		if (slash >= 0 && slash < name.length() - 1) {
			name = name.substring(slash + 1);
			price = prices.get(name);
			if (price != null) {
				return Optional.of(price);
			}
		}
		String unversioned = VERSION_SUFFIX.matcher(name).replaceFirst("");
		return Optional.ofNullable(prices.get(unversioned));
	}

	/**
	 * The price of one call in US dollars, exact and in {@link Usd#canonical} form; zero for an unpriced model.
	 *
	 * @throws IllegalArgumentException for a negative token count
	 */
	public BigDecimal cost(String model, long promptTokens, long completionTokens) {
		if (promptTokens < 0 || completionTokens < 0) {
			throw new IllegalArgumentException(
					"token counts must not be negative (prompt " + promptTokens + ", completion " + completionTokens + ")");
		}
		return priceOf(model).map(price -> Usd.canonical(price.inputUsdPerMillionTokens()
			.multiply(BigDecimal.valueOf(promptTokens))
			.add(price.outputUsdPerMillionTokens().multiply(BigDecimal.valueOf(completionTokens)))
			.movePointLeft(6))).orElse(BigDecimal.ZERO);
	}

	/** The priced model names, lower-cased. */
	public Set<String> models() {
		return prices.keySet();
	}

	private static String key(String model) {
		return model.strip().toLowerCase(Locale.ROOT);
	}
}
