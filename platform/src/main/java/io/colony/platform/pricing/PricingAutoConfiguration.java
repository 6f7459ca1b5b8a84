package io.colony.platform.pricing;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** The {@link PriceTable} every service gets from the platform. */
@AutoConfiguration
@EnableConfigurationProperties(PricingProperties.class)
public class PricingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PriceTable colonyPriceTable(PricingProperties properties) {
		return new PriceTable(properties);
	}
}
