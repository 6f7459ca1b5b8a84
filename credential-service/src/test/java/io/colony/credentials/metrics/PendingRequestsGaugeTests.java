package io.colony.credentials.metrics;

import io.colony.platform.metrics.ColonyMetricsProperties;
import io.colony.platform.metrics.MetricsPoller;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class PendingRequestsGaugeTests {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final MetricsPoller poller = new MetricsPoller();

	private final AtomicLong pending = new AtomicLong(3);

	private final AtomicLong queries = new AtomicLong();

	private volatile boolean databaseDown;

	PendingRequestsGaugeTests() {
		new PendingRequestsGauge(() -> {
			queries.incrementAndGet();
			if (databaseDown) {
				throw new IllegalStateException("connection refused");
			}
			return pending.get();
		}, meters, poller, ColonyMetricsProperties.defaults());
	}

	@Test
	void aScrapeReadsTheLastPolledCountWithoutQuerying() {
		poller.pollNow();
		pending.set(5);

		assertThat(gauge()).isEqualTo(3);
		assertThat(gauge()).isEqualTo(3);
		assertThat(queries).hasValue(1);

		poller.pollNow();
		assertThat(gauge()).isEqualTo(5);
	}

	@Test
	void unknownUntilFirstReadAndWhileTheDatabaseIsDown() {
		assertThat(gauge()).isNaN();
		poller.pollNow();
		databaseDown = true;

		poller.pollNow();

		assertThat(gauge()).isNaN();
	}

	private double gauge() {
		return meters.get("colony.credentials.requests.pending").gauge().value();
	}
}
