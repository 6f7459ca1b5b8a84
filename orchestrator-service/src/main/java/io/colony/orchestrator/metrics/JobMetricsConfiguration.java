package io.colony.orchestrator.metrics;

import io.colony.contracts.JobStatus;
import io.colony.platform.metrics.ColonyMetricsProperties;
import io.colony.platform.metrics.MetricsPoller;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

@Configuration(proxyBeanMethods = false)
class JobMetricsConfiguration {

	/** Both read the partial index {@code jobs_active} (V4): only unfinished jobs are touched. */
	static final String COUNT_ACTIVE = """
			select status, count(*) from jobs where status in ('ACCEPTED', 'RUNNING') group by status""";

	static final String COUNT_STALLED = """
			select count(*) from jobs j
			where j.status in ('ACCEPTED', 'RUNNING') and j.held_since is null
			  and j.updated_at < now() - ? * interval '1 millisecond'
			  and not exists (select 1 from tasks t
			                  where t.job_id = j.job_id and t.updated_at >= now() - ? * interval '1 millisecond')""";

	@Bean
	JobGauges jobGauges(JdbcTemplate jdbc, JobMetricsProperties jobs, MeterRegistry meters, MetricsPoller poller,
			ColonyMetricsProperties properties) {
		return new JobGauges(new DatabaseJobCounts(jdbc), jobs.stallAfter(), meters, poller, properties);
	}

	record DatabaseJobCounts(JdbcTemplate jdbc) implements JobGauges.JobCounts {

		@Override
		public Map<JobStatus, Long> active() {
			Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
			jdbc.query(COUNT_ACTIVE, row -> {
				counts.put(JobStatus.valueOf(row.getString(1)), row.getLong(2));
			});
			return counts;
		}

		@Override
		public long stalled(Duration stallAfter) {
			Long count = jdbc.queryForObject(COUNT_STALLED, Long.class, stallAfter.toMillis(), stallAfter.toMillis());
			return count == null ? 0 : count;
		}
	}
}
