package io.colony.platform.pricing;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.ResourcePropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Adds the shipped price table ({@value #RESOURCE}) to every service's environment with the lowest
 * precedence: {@code colony.pricing.models.*} from any other source wins, price by price, and may add models.
 * One file, so the orchestrator's estimates and the workers' costs use the same prices.
 */
public class PricingDefaults implements EnvironmentPostProcessor, Ordered {

	static final String RESOURCE = "io/colony/platform/pricing/colony-pricing.properties";

	static final String SOURCE_NAME = "colonyPricingDefaults";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getPropertySources().contains(SOURCE_NAME)) {
			environment.getPropertySources().addLast(source());
		}
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	/** The shipped table alone, bound as configuration would bind it. */
	static PricingProperties load() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(source());
		return Binder.get(environment)
			.bind("colony.pricing", PricingProperties.class)
			.orElseGet(() -> new PricingProperties(null));
	}

	private static PropertySource<?> source() {
		try {
			return new ResourcePropertySource(SOURCE_NAME,
					new ClassPathResource(RESOURCE, PricingDefaults.class.getClassLoader()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("the platform's price table " + RESOURCE + " cannot be read", ex);
		}
	}
}
