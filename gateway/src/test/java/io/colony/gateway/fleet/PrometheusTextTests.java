package io.colony.gateway.fleet;

import io.colony.gateway.fleet.FleetSnapshot.Jobs;
import io.colony.gateway.fleet.PrometheusText.Sample;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PrometheusTextTests {

	@Test
	void readsNameLabelsAndValue() {
		Sample sample = PrometheusText.parse("colony_jobs_active{service=\"orchestrator\",status=\"RUNNING\",} 3.0 1700000000000");

		assertThat(sample.name()).isEqualTo("colony_jobs_active");
		assertThat(sample.labels()).isEqualTo(Map.of("service", "orchestrator", "status", "RUNNING"));
		assertThat(sample.value()).isEqualTo(3.0);
	}

	@Test
	void readsEscapedLabelValuesAndSpecialNumbers() {
		assertThat(PrometheusText.parse("m{a=\"say \\\"hi\\\", then \\\\ go}\"} +Inf").labels().get("a"))
			.isEqualTo("say \"hi\", then \\ go}");
		assertThat(PrometheusText.parse("m{a=\"x\"} +Inf").value()).isInfinite();
		assertThat(PrometheusText.parse("m NaN").value()).isNaN();
		assertThat(PrometheusText.parse("m 1e3").value()).isEqualTo(1000.0);
	}

	@Test
	void skipsWhatIsNotASample() {
		assertThat(PrometheusText.parse("{status=\"x\"} 1")).isNull();
		assertThat(PrometheusText.parse("m{status=\"unterminated} 1")).isNull();
		assertThat(PrometheusText.parse("m{status} 1")).isNull();
		assertThat(PrometheusText.parse("m")).isNull();
		assertThat(PrometheusText.parse("m{a=\"b\"} many")).isNull();
	}

	@Test
	void findsOnlyTheNamedMetric() {
		String text = """
				# HELP colony_jobs_active Jobs by status
				# TYPE colony_jobs_active gauge
				colony_jobs_active{status="RUNNING"} 2
				colony_jobs_active_total{status="RUNNING"} 99
				colony_jobs_activex 5
				garbage line {{{
				colony_jobs_active{status="ACCEPTED"} 1
				""";

		List<Sample> samples = PrometheusText.samples(text, "colony_jobs_active");

		assertThat(samples).extracting(sample -> sample.labels().get("status")).containsExactly("RUNNING", "ACCEPTED");
	}

	@Test
	void countsJobsByStatusInTheOrderOfTheJobStatusesAndSumsInstances() {
		Jobs jobs = JobCounts.jobs("""
				colony_jobs_active{instance="a",status="FAILED"} 1
				colony_jobs_active{instance="a",status="RUNNING"} 2
				colony_jobs_active{instance="b",status="RUNNING"} 3
				colony_jobs_active{instance="b",status="running"} 1
				colony_jobs_active{instance="b",status="PAUSED"} 4
				colony_jobs_active{instance="b"} 8
				colony_jobs_active{instance="b",status="ACCEPTED"} NaN
				colony_jobs_stalled{instance="a"} 1
				colony_jobs_stalled{instance="b"} 2
				""");

		assertThat(jobs.status()).isEqualTo(Availability.AVAILABLE);
		assertThat(jobs.byStatus()).containsExactly(Map.entry("RUNNING", 6L), Map.entry("FAILED", 1L),
				Map.entry("PAUSED", 4L));
		assertThat(jobs.stalled()).isEqualTo(3L);
	}

	@Test
	void jobsAreUnknownWithoutTheGaugeAndStalledIsLeftOutWithoutItsOwn() {
		assertThat(JobCounts.jobs("jvm_threads_live_threads 42\n").status()).isEqualTo(Availability.UNKNOWN);
		assertThat(JobCounts.jobs("").reason()).isEqualTo("the orchestrator does not export colony_jobs_active");
		assertThat(JobCounts.jobs("colony_jobs_active{status=\"RUNNING\"} 0\n").stalled()).isNull();
	}
}
