package io.colony.orchestrator.capability;

import io.colony.orchestrator.capability.CapabilityAnswer.Pool;
import io.colony.orchestrator.capability.CapabilityAnswer.Served;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class LeastLoadedPoolTests {

	@Test
	void picksTheLowestRatioOfInFlightToCapacityNotTheFewestInFlight() {
		Served served = new Served(List.of(new Pool("small", "m1", 4, 2), new Pool("large", "m2", 100, 30)));

		assertThat(served.leastLoaded()).isEqualTo(new Pool("large", "m2", 100, 30));
		assertThat(served.capability()).isEqualTo("large");
		assertThat(served.model()).isEqualTo("m2");
	}

	@Test
	void onEqualRatiosPrefersMoreFreeSlotsThenTheFirstName() {
		assertThat(new Served(List.of(new Pool("a", null, 10, 5), new Pool("b", null, 100, 50))).capability())
			.isEqualTo("b");
		assertThat(new Served(List.of(new Pool("b", null, 10, 5), new Pool("a", null, 10, 5))).capability())
			.isEqualTo("a");
	}

	@Test
	void aPoolWithoutCapacityCountsAsFull() {
		Served served = new Served(List.of(new Pool("none", null, 0, 0), new Pool("busy", null, 10, 9)));

		assertThat(served.capability()).isEqualTo("busy");
		assertThat(new Pool("over", null, 10, 15).loadRatio()).isEqualTo(1.5);
		assertThat(new Pool("none", null, 0, 0).loadRatio()).isEqualTo(Double.POSITIVE_INFINITY);
	}

	@Test
	void aSinglePoolIsTheChoiceWhateverItsLoad() {
		assertThat(new Served(List.of(new Pool("only", "m", 1, 5))).capability()).isEqualTo("only");
		assertThat(new Served("legacy", "m").capability()).isEqualTo("legacy");
	}

	@Test
	void aServedAnswerHasAPool() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Served(List.of()));
	}
}
