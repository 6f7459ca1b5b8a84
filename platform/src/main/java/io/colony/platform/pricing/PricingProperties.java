package io.colony.platform.pricing;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

/**
 * The price table ({@code colony.pricing.models.<model>.*}). The defaults ship in
 * {@code io/colony/platform/pricing/colony-pricing.properties}, loaded with the lowest precedence by
 * {@link PricingDefaults}; configuration overrides single prices and adds models.
 *
 * @param models prices per model name (matched case-insensitively, see {@link PriceTable#priceOf})
 */
@ConfigurationProperties("colony.pricing")
public record PricingProperties(Map<String, ModelPrice> models) {

	public PricingProperties {
		models = models == null ? Map.of() : new TreeMap<>(models);
		models.forEach((model, price) -> {
			if (model == null || model.isBlank()) {
				throw new IllegalArgumentException("colony.pricing.models: a model name must not be blank");
			}
			if (price == null) {
				throw new IllegalArgumentException("colony.pricing.models." + model + " has no prices");
			}
			price.check("colony.pricing.models." + model);
		});
		models = Map.copyOf(models);
	}

	/**
	 * What one model costs, in US dollars per million tokens.
	 *
	 * @param inputUsdPerMillionTokens price of prompt tokens
	 * @param outputUsdPerMillionTokens price of completion tokens
	 */
	public record ModelPrice(BigDecimal inputUsdPerMillionTokens, BigDecimal outputUsdPerMillionTokens) {

		void check(String prefix) {
			if (inputUsdPerMillionTokens == null || inputUsdPerMillionTokens.signum() < 0) {
				throw new IllegalArgumentException(prefix + ".input-usd-per-million-tokens must be set and not negative"
						+ " (was " + inputUsdPerMillionTokens + ")");
			}
			if (outputUsdPerMillionTokens == null || outputUsdPerMillionTokens.signum() < 0) {
				throw new IllegalArgumentException(prefix + ".output-usd-per-million-tokens must be set and not negative"
						+ " (was " + outputUsdPerMillionTokens + ")");
			}
		}
	}
}
