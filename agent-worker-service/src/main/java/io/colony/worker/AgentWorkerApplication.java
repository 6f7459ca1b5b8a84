package io.colony.worker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The agent runtime: consumes {@code TaskAssigned} from one {@code agent.<capability>} queue per capability
 * it serves, asks the configured LLM, and publishes {@code TaskCompleted} / {@code TaskFailed}.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class AgentWorkerApplication {

	public static void main(String[] args) {
		SpringApplication.run(AgentWorkerApplication.class, args);
	}
}
