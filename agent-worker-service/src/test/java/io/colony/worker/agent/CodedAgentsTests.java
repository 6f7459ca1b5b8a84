package io.colony.worker.agent;

import io.colony.contracts.TaskAssigned;
import io.colony.worker.catalog.AgentCatalog;
import io.colony.worker.catalog.AgentType;
import io.colony.worker.catalog.CatalogException;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CodedAgentsTests {

	static final CodedAgent ECHO = new CodedAgent() {

		@Override
		public String handler() {
			return "echo";
		}

		@Override
		public Mono<LoopOutcome> run(TaskAssigned task, AgentType type) {
			return Mono.just(new LoopOutcome.Answered(task.instruction(), null, List.of()));
		}
	};

	@Test
	void aServedTypeNamingAnUnknownHandlerStopsStartUp() {
		AgentType coded = new AgentType("reviewer", null, null, null, "standard", null, null, "missing");
		assertThatThrownBy(() -> new CodedAgents(List.of(ECHO), List.of(coded))).isInstanceOf(CatalogException.class)
			.hasMessageContaining("'reviewer' names handler 'missing'").hasMessageContaining("echo");
	}

	@Test
	void typesWithoutAHandlerNeedNone() {
		AgentType plain = new AgentType("summarizer", null, null, null, "standard", null, null);
		assertThat(plain.handler()).isNull();
		new CodedAgents(List.of(), List.of(plain));
	}

	@Test
	void theShippedCatalogRunsPrReviewInCode() throws Exception {
		try (var shipped = getClass().getResourceAsStream("/colony/agents.yml")) {
			AgentType review = AgentCatalog.parse(shipped, "shipped").agentTypes().get("pr-review");
			assertThat(review.handler()).isEqualTo("github-pr-review");
			assertThat(review.tools()).isEmpty();
		}
	}
}
