package io.colony.residents.runtime;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

class HeapPressureTests {

	/** Kept reachable until the second measurement. */
	static byte[] retained;

	@Test
	void countsWhatSurvivesACollectionNotTheGarbageWaitingForOne() {
		long max = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
		System.gc();
		double before = ResidentRuntime.heapPressure();
		for (int i = 0; i < 64; i++) {
			// a megabyte of garbage at a time: heap in use goes up, live data does not
			byte[] garbage = new byte[1 << 20];
			garbage[i] = 1;
		}
		assertThat(ResidentRuntime.heapPressure()).as("garbage alone").isCloseTo(before, offset(0.001));

		retained = new byte[64 << 20];
		System.gc();
		double after = ResidentRuntime.heapPressure();

		assertThat(after - before).as("64 MB kept, of a %d MB heap", max >> 20)
			.isGreaterThanOrEqualTo(0.9 * (64 << 20) / max);
		assertThat(after).isLessThanOrEqualTo(1);
		retained = null;
	}
}
