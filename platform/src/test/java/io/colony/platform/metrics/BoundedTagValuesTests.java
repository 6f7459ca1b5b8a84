package io.colony.platform.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BoundedTagValuesTests {

	@Test
	void keepsTheFirstValuesAndFoldsLaterOnesIntoOther() {
		BoundedTagValues tenants = new BoundedTagValues(2);

		assertThat(tenants.of("acme")).isEqualTo("acme");
		assertThat(tenants.of("globex")).isEqualTo("globex");
		assertThat(tenants.of("initech")).isEqualTo("other");
		assertThat(tenants.of("acme")).as("a value seen before stays itself").isEqualTo("acme");
	}

	@Test
	void aMissingValueIsUnknownAndTakesNoRoom() {
		BoundedTagValues tenants = new BoundedTagValues(1);

		assertThat(tenants.of(null)).isEqualTo("unknown");
		assertThat(tenants.of(" ")).isEqualTo("unknown");
		assertThat(tenants.of("acme")).isEqualTo("acme");
	}

	@Test
	void aLimitBelowOneIsRefused() {
		assertThatThrownBy(() -> new BoundedTagValues(0)).isInstanceOf(IllegalArgumentException.class);
	}
}
