package io.colony.aggregator;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Fan-in of the Colony mesh: records task results, closes jobs exactly once, publishes throttled progress. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class AggregatorApplication {

	public static void main(String[] args) {
		SpringApplication.run(AggregatorApplication.class, args);
	}
}
