package io.colony.platform.pricing;

import io.colony.platform.pricing.PricingProperties.ModelPrice;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import java.math.BigDecimal;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PriceTableTests {

	private final PriceTable defaults = PriceTable.defaults();

	@Test
	void pricesPromptAndCompletionTokensPerMillion() {
		// 1,000 × 0.15 + 500 × 0.60 = 450 µ$ → $0.00045
		assertThat(defaults.cost("gpt-4o-mini", 1_000, 500)).isEqualTo(new BigDecimal("0.00045"));
		// 2,000,000 × 2.50 + 1,000,000 × 10.00 = $15
		assertThat(defaults.cost("gpt-4o", 2_000_000, 1_000_000)).isEqualTo(new BigDecimal("15"));
		assertThat(defaults.cost("claude-3-5-haiku", 1, 1)).isEqualTo(new BigDecimal("0.0000048"));
		assertThat(defaults.cost("claude-sonnet-4", 1_000_000, 0)).isEqualTo(new BigDecimal("3"));
		assertThat(defaults.cost("gpt-4.1", 0, 1_000_000)).isEqualTo(new BigDecimal("8"));
	}

	@Test
	void theSimulatedModelIsPricedAtZero() {
		assertThat(defaults.isPriced("colony-simulated")).isTrue();
		assertThat(defaults.cost("colony-simulated", 123_456, 7_890)).isEqualTo(BigDecimal.ZERO);
	}

	@Test
	void anUnknownModelIsUnpricedAndCostsNothing() {
		assertThat(defaults.isPriced("my-local-llama")).isFalse();
		assertThat(defaults.isPriced(null)).isFalse();
		assertThat(defaults.isPriced(" ")).isFalse();
		assertThat(defaults.cost("my-local-llama", 1_000_000, 1_000_000)).isEqualTo(BigDecimal.ZERO);
		assertThat(defaults.cost(null, 10, 10)).isEqualTo(BigDecimal.ZERO);
	}

	@Test
	void matchesNamesIgnoringCaseProviderPrefixAndVersionSuffix() {
		BigDecimal mini = defaults.cost("gpt-4o-mini", 1_000, 1_000);
		assertThat(defaults.cost("GPT-4o-Mini", 1_000, 1_000)).isEqualTo(mini);
		assertThat(defaults.cost("openai/gpt-4o-mini", 1_000, 1_000)).isEqualTo(mini);
		assertThat(defaults.cost("gpt-4o-mini-2024-07-18", 1_000, 1_000)).isEqualTo(mini);
		assertThat(defaults.cost("anthropic/claude-3-5-haiku-20241022", 1_000_000, 0)).isEqualTo(new BigDecimal("0.8"));
		assertThat(defaults.isPriced("claude-3-5-haiku-latest")).isTrue();
		// a longer name is another model, not a variant of a shorter one
		assertThat(defaults.isPriced("gpt-4o-audio-preview")).isFalse();
		assertThat(defaults.cost("gpt-4o", 1_000_000, 0)).isEqualTo(new BigDecimal("2.5"));
	}

	@Test
	void costsAreExactAndPlain() {
		BigDecimal cost = defaults.cost("gpt-4o-mini", 3, 0);

		assertThat(cost).isEqualTo(new BigDecimal("0.00000045"));
		assertThat(cost.scale()).isEqualTo(8);
		assertThat(Usd.format(cost)).isEqualTo("$0.00000045");
		assertThat(Usd.canonical(new BigDecimal("1.2300"))).isEqualTo(new BigDecimal("1.23"));
		assertThat(Usd.canonical(new BigDecimal("1E+2")).toString()).isEqualTo("100");
		assertThat(Usd.canonical(null)).isEqualTo(BigDecimal.ZERO);
		assertThat(Usd.format(new BigDecimal("0.50"))).isEqualTo("$0.5");
	}

	@Test
	void negativeTokenCountsAreRefused() {
		assertThatThrownBy(() -> defaults.cost("gpt-4o", -1, 0)).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void configurationOverridesSinglePricesAndAddsModels() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("application", Map.of(
				"colony.pricing.models.gpt-4o.input-usd-per-million-tokens", "1.25",
				"colony.pricing.models[llama-3.1:8b].input-usd-per-million-tokens", "0.05",
				"colony.pricing.models[llama-3.1:8b].output-usd-per-million-tokens", "0.08")));
		new PricingDefaults().postProcessEnvironment(environment, null);

		PriceTable table = new PriceTable(
				Binder.get(environment).bind("colony.pricing", PricingProperties.class).get());

		assertThat(table.priceOf("gpt-4o")).contains(new ModelPrice(new BigDecimal("1.25"), new BigDecimal("10.00")));
		assertThat(table.cost("llama-3.1:8b", 1_000_000, 1_000_000)).isEqualTo(new BigDecimal("0.13"));
		assertThat(table.isPriced("gpt-4o-mini")).as("defaults stay").isTrue();
	}

	@Test
	void refusesNegativeOrMissingPrices() {
		assertThatThrownBy(() -> new PricingProperties(
				Map.of("cheap", new ModelPrice(new BigDecimal("-1"), BigDecimal.ONE))))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("colony.pricing.models.cheap.input-usd-per-million-tokens");
		assertThatThrownBy(() -> new PricingProperties(Map.of("half", new ModelPrice(BigDecimal.ONE, null))))
			.hasMessageContaining("output-usd-per-million-tokens");
	}
}
