package io.colony.platform.testing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One isolated broker vhost plus one database, and the Spring properties that point a Colony service at
 * them. Typical use in a Spring Boot test:
 *
 * <pre>{@code
 * static final ColonyTestEnvironment env = ColonyTestEnvironment.create();
 *
 * @DynamicPropertySource
 * static void colony(DynamicPropertyRegistry registry) {
 *     env.properties().forEach((key, value) -> registry.add(key, () -> value));
 * }
 *
 * @AfterAll
 * static void cleanUp() { env.close(); }
 * }</pre>
 */
public final class ColonyTestEnvironment implements AutoCloseable {

	private final TestBroker broker;

	private final TestDatabase database;

	private ColonyTestEnvironment(TestBroker broker, TestDatabase database) {
		this.broker = broker;
		this.database = database;
	}

	public static ColonyTestEnvironment create() {
		return new ColonyTestEnvironment(TestBroker.create(), TestDatabase.create());
	}

	public TestBroker broker() {
		return broker;
	}

	public TestDatabase database() {
		return database;
	}

	/** Properties for a service in this environment; also usable as {@code --key=value} process arguments. */
	public Map<String, String> properties() {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("spring.rabbitmq.virtual-host", broker.vhost());
		properties.put("COLONY_RABBITMQ_VHOST", broker.vhost());
		properties.put("COLONY_DB_NAME", database.name());
		return properties;
	}

	@Override
	public void close() {
		try {
			broker.close();
		}
		finally {
			database.close();
		}
	}
}
