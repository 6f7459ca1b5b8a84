package io.colony.orchestrator.metrics;

import io.colony.contracts.JobStatus;
import io.colony.platform.metrics.ColonyMetricsProperties;
import io.colony.platform.metrics.MetricsPoller;
import io.colony.platform.testing.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The job gauges' queries against the orchestrator's real schema (its Flyway migrations on PostgreSQL). */
class JobGaugesIntegrationTests {

	private static final Duration STALL_AFTER = Duration.ofMinutes(10);

	private static TestDatabase database;

	private static JdbcTemplate jdbc;

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final MetricsPoller poller = new MetricsPoller();

	@BeforeAll
	static void schema() {
		database = TestDatabase.create();
		SimpleDriverDataSource dataSource = new SimpleDriverDataSource(new org.postgresql.Driver(),
				database.jdbcUrl() + "?currentSchema=orchestrator", TestDatabase.USER, "");
		Flyway.configure()
			.dataSource(dataSource)
			.schemas("orchestrator")
			.defaultSchema("orchestrator")
			.locations("classpath:db/migration", "classpath:db/platform")
			.load()
			.migrate();
		jdbc = new JdbcTemplate(dataSource);
	}

	@AfterAll
	static void drop() {
		database.close();
	}

	@BeforeEach
	void empty() {
		jdbc.update("delete from jobs");
		new JobGauges(new JobMetricsConfiguration.DatabaseJobCounts(jdbc), STALL_AFTER, meters, poller,
				ColonyMetricsProperties.defaults());
	}

	@Test
	void countsUnfinishedJobsPerStatusAndLeavesFinishedOnesOut() {
		job(JobStatus.ACCEPTED, Duration.ZERO, false);
		job(JobStatus.RUNNING, Duration.ZERO, false);
		job(JobStatus.RUNNING, Duration.ofMinutes(1), false);
		job(JobStatus.SUCCEEDED, Duration.ofHours(1), false);
		job(JobStatus.CANCELLED, Duration.ofHours(1), false);

		poller.pollNow();

		assertThat(active(JobStatus.ACCEPTED)).isEqualTo(1);
		assertThat(active(JobStatus.RUNNING)).isEqualTo(2);
		assertThat(meters.find(JobGauges.ACTIVE).tag("status", "SUCCEEDED").gauge()).isNull();
	}

	@Test
	void aJobIsStalledWhenNeitherItNorAnyOfItsTasksChangedForStallAfter() {
		UUID quiet = job(JobStatus.RUNNING, Duration.ofMinutes(30), false);
		task(quiet, Duration.ofMinutes(30));
		UUID retrying = job(JobStatus.RUNNING, Duration.ofMinutes(30), false);
		task(retrying, Duration.ofMinutes(1));
		job(JobStatus.RUNNING, Duration.ofMinutes(1), false);
		job(JobStatus.ACCEPTED, Duration.ofMinutes(30), false);
		job(JobStatus.ACCEPTED, Duration.ofMinutes(30), true);
		job(JobStatus.FAILED, Duration.ofHours(2), false);

		poller.pollNow();

		assertThat(meters.get(JobGauges.STALLED).gauge().value())
			.as("the quiet running job and the accepted job nobody picked up; not the one being retried, nor the held one")
			.isEqualTo(2);
	}

	private double active(JobStatus status) {
		return meters.get(JobGauges.ACTIVE).tag("status", status.name()).gauge().value();
	}

	private static UUID job(JobStatus status, Duration unchangedFor, boolean held) {
		UUID id = UUID.randomUUID();
		jdbc.update("""
				insert into jobs (job_id, tenant, pattern, agent, capability, priority, reduce_strategy, max_attempts,
				                  status, total_tasks, accepted_at, deadline, updated_at, held_since)
				values (?, 'acme', 'scatter-gather', 'summarizer', 'summarizer', 'normal', 'collect', 3, ?, 1,
				        now() - interval '3 hours', now() + interval '1 hour', now() - ? * interval '1 millisecond',
				        case when ? then now() - interval '1 hour' end)""",
				id, status.name(), unchangedFor.toMillis(), held);
		return id;
	}

	private static void task(UUID job, Duration unchangedFor) {
		jdbc.update("""
				insert into tasks (task_id, job_id, input_id, content, updated_at)
				values (?, ?, ?, 'text', now() - ? * interval '1 millisecond')""",
				UUID.randomUUID(), job, "in-" + UUID.randomUUID(), unchangedFor.toMillis());
	}
}
