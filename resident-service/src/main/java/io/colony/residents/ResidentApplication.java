package io.colony.residents;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Resident agents of the Colony mesh: long-lived per-entity agents with a mailbox and memory. Owns their state
 * (schema {@code residents}) and runs them: every instance consumes every shard queue, the broker lets one own a
 * shard at a time.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class ResidentApplication {

	public static void main(String[] args) {
		SpringApplication.run(ResidentApplication.class, args);
	}
}
