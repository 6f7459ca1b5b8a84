package io.colony.benchmarks.bench;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PrometheusMetricsTests {

	private static final String TEXT = """
			# HELP colony_residents_activation_seconds loading one agent from PostgreSQL
			# TYPE colony_residents_activation_seconds histogram
			colony_residents_activation_seconds_bucket{application="resident-service",le="0.001"} 50.0
			colony_residents_activation_seconds_bucket{application="resident-service",le="0.002"} 900.0
			colony_residents_activation_seconds_bucket{application="resident-service",le="0.004"} 985.0
			colony_residents_activation_seconds_bucket{application="resident-service",le="0.008"} 999.0
			colony_residents_activation_seconds_bucket{application="resident-service",le="+Inf"} 1000.0
			colony_residents_activation_seconds_count{application="resident-service"} 1000.0
			colony_residents_activation_seconds_sum{application="resident-service"} 1.9
			# TYPE colony_residents_active gauge
			colony_residents_active{application="resident-service"} 63000.0
			jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.0E8
			jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 2.5E7
			jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 9.0E7
			""";

	@Test
	void takesAQuantileFromTheBucketsAsTheUpperBoundOfTheBucketHoldingIt() {
		PrometheusMetrics metrics = PrometheusMetrics.parse(TEXT);

		assertThat(metrics.quantile("colony_residents_activation_seconds", 0.5)).hasValue(0.002);
		// the 990th of 1000 activations is in the (4 ms, 8 ms] bucket
		assertThat(metrics.quantile("colony_residents_activation_seconds", 0.99)).hasValue(0.008);
		assertThat(metrics.quantile("colony_residents_reply_seconds", 0.99)).isEmpty();
	}

	@Test
	void prefersAPublishedQuantile() {
		PrometheusMetrics metrics = PrometheusMetrics.parse(TEXT
				+ "colony_residents_activation_seconds{application=\"resident-service\",quantile=\"0.99\"} 0.0031\n");

		assertThat(metrics.quantile("colony_residents_activation_seconds", 0.99).getAsDouble()).isCloseTo(0.0031,
				within(1e-9));
	}

	@Test
	void sumsSamplesOverTheirLabelSets() {
		PrometheusMetrics metrics = PrometheusMetrics.parse(TEXT);

		assertThat(metrics.sum("jvm_memory_used_bytes", Map.of("area", "heap"))).hasValue(1.25e8);
		assertThat(metrics.sum("colony_residents_active", Map.of())).hasValue(63_000);
		assertThat(metrics.sum("colony_residents_missing", Map.of())).isEmpty();
	}

	@Test
	void takesAQuantileOfWhatAHistogramRecordedBetweenTwoScrapes() {
		PrometheusMetrics before = PrometheusMetrics.parse(TEXT);
		// 100 more activations since: 98 within 1 ms, 2 in (2 ms, 4 ms]
		PrometheusMetrics after = PrometheusMetrics.parse(TEXT.replace("le=\"0.001\"} 50.0", "le=\"0.001\"} 148.0")
			.replace("le=\"0.002\"} 900.0", "le=\"0.002\"} 998.0")
			.replace("le=\"0.004\"} 985.0", "le=\"0.004\"} 1085.0")
			.replace("le=\"0.008\"} 999.0", "le=\"0.008\"} 1099.0")
			.replace("le=\"+Inf\"} 1000.0", "le=\"+Inf\"} 1100.0"));

		assertThat(after.quantileSince(before, "colony_residents_activation_seconds", 0.5)).hasValue(0.001);
		assertThat(after.quantileSince(before, "colony_residents_activation_seconds", 0.99)).hasValue(0.004);
		assertThat(after.quantile("colony_residents_activation_seconds", 0.99))
			.as("over everything recorded, the earlier slow ones count").hasValue(0.008);
		assertThat(before.quantileSince(before, "colony_residents_activation_seconds", 0.99))
			.as("nothing recorded in between").isEmpty();
	}
}
