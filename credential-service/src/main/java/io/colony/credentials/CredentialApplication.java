package io.colony.credentials;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

import java.time.Clock;

/**
 * The credential broker: agents ask for short-lived, scoped credentials; policy grants low-risk ones, a person
 * approves elevated ones; every decision goes into a hash-chained, signed audit log.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class CredentialApplication {

	public static void main(String[] args) {
		SpringApplication.run(CredentialApplication.class, args);
	}

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}
}
