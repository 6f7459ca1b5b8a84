package io.colony.gateway.cors;

import io.colony.gateway.problem.ProblemWriter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ConsoleCorsConfiguration {

	@Bean
	ConsoleCors consoleCors(CorsProperties properties, ProblemWriter problems) {
		return new ConsoleCors(properties, problems);
	}
}
