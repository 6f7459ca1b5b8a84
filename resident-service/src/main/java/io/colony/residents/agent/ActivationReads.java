package io.colony.residents.agent;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.colony.contracts.ResidentId;
import io.colony.contracts.TenantId;
import io.colony.residents.ResidentProperties;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.util.Optional;

/**
 * Loads agents on activation through a small connection pool of its own ({@code colony.residents.activation-pool},
 * read-only, kept open), so that an agent's first message does not wait behind the turns committing on the main pool:
 * activation is on every cold message's path, a commit is not. Its metrics are Hikari's, tagged
 * {@code pool=residents-activation}. With {@code activation-pool: 0}, or a data source that
 * is not Hikari's, it reads through the main pool.
 */
@Component
public class ActivationReads implements DisposableBean {

	private final HikariDataSource pool;

	private final JdbcTemplate jdbc;

	ActivationReads(DataSource dataSource, JdbcTemplate main, ResidentProperties properties,
			ObjectProvider<MeterRegistry> meters) {
		if (properties.activationPool() > 0 && dataSource instanceof HikariDataSource hikari) {
			HikariConfig config = new HikariConfig();
			hikari.copyStateTo(config);
			config.setPoolName("residents-activation");
			config.setMaximumPoolSize(properties.activationPool());
			config.setMinimumIdle(properties.activationPool());
			config.setReadOnly(true);
			config.setAutoCommit(true);
			config.setMetricsTrackerFactory(null);
			meters.ifAvailable(registry -> config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry)));
			this.pool = new HikariDataSource(config);
			this.jdbc = new JdbcTemplate(pool);
		}
		else {
			this.pool = null;
			this.jdbc = main;
		}
	}

	/** The agent's row, for activation. */
	public Optional<StoredAgent> find(TenantId tenant, ResidentId id) {
		return AgentStore.find(jdbc, tenant, id);
	}

	@Override
	public void destroy() {
		if (pool != null) {
			pool.close();
		}
	}
}
