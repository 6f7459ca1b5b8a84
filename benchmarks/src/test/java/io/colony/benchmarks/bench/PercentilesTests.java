package io.colony.benchmarks.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PercentilesTests {

	@Test
	void usesTheNearestRank() {
		long[] values = new long[100];
		for (int i = 0; i < 100; i++) {
			values[i] = 100 - i;
		}
		Percentiles percentiles = new Percentiles(values);

		assertThat(percentiles.at(50)).isEqualTo(50);
		assertThat(percentiles.at(99)).isEqualTo(99);
		assertThat(percentiles.at(100)).isEqualTo(100);
		assertThat(percentiles.at(0.5)).isEqualTo(1);
	}

	@Test
	void smallSamples() {
		assertThat(new Percentiles(new long[] { 7 }).at(99)).isEqualTo(7);
		assertThat(new Percentiles(new long[] { 3, 1 }).at(50)).isEqualTo(1);
		assertThat(new Percentiles(new long[] { 3, 1 }).at(51)).isEqualTo(3);
		assertThat(new Percentiles(new long[0]).at(50)).isZero();
	}

	@Test
	void rejectsPercentsOutsideTheRange() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Percentiles(new long[] { 1 }).at(0));
		assertThatIllegalArgumentException().isThrownBy(() -> new Percentiles(new long[] { 1 }).at(101));
	}
}
