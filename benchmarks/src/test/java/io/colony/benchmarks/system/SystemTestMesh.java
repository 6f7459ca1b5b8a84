package io.colony.benchmarks.system;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.colony.benchmarks.client.ColonyClient;
import io.colony.benchmarks.mesh.MeshLauncher;
import io.colony.benchmarks.mesh.MeshOptions;
import io.colony.platform.testing.TestBroker;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import java.util.concurrent.TimeoutException;

/** One launched mesh for one test class, plus direct access to its broker vhost and database. */
final class SystemTestMesh implements AutoCloseable {

	private final MeshLauncher mesh;

	private final Connection amqp;

	private SystemTestMesh(MeshLauncher mesh, Connection amqp) {
		this.mesh = mesh;
		this.amqp = amqp;
	}

	/** Starts the mesh; logs go to {@code benchmarks/target/mesh-logs/<test class>/<service>.log}. */
	static SystemTestMesh start(Class<?> testClass, MeshOptions options) {
		MeshOptions named = options
			.withLogDirectory(options.root().resolve("benchmarks/target/mesh-logs").resolve(testClass.getSimpleName()))
			// Tests measure behaviour, not speed: C1 only and the serial collector start six JVMs much faster
			// on a small machine.
			.withJvmArguments(Stream
				.concat(Stream.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), options.jvmArguments().stream())
				.toList());
		MeshLauncher mesh = MeshLauncher.start(named, line -> System.err.println("[" + testClass.getSimpleName() + "] " + line));
		try {
			ConnectionFactory factory = new ConnectionFactory();
			factory.setHost(TestBroker.HOST);
			factory.setPort(TestBroker.PORT);
			factory.setVirtualHost(mesh.environment().broker().vhost());
			return new SystemTestMesh(mesh, factory.newConnection("system-test"));
		}
		catch (IOException | TimeoutException | RuntimeException ex) {
			mesh.close();
			throw new IllegalStateException("cannot connect to RabbitMQ: " + ex.getMessage(), ex);
		}
	}

	MeshLauncher launcher() {
		return mesh;
	}

	/** A client with a freshly minted default token. */
	ColonyClient client() {
		return new ColonyClient(mesh.gatewayUrl()).authenticate();
	}

	Channel channel() {
		try {
			return amqp.createChannel();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	long countRows(String sql) {
		try (java.sql.Connection connection = mesh.environment().database().connect();
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(sql)) {
			rows.next();
			return rows.getLong(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(sql + ": " + ex.getMessage(), ex);
		}
	}

	/** Appended to assertion messages so that a failure shows what the services said. */
	String logTails() {
		StringBuilder tails = new StringBuilder();
		for (String service : mesh.services()) {
			tails.append("\n--- ").append(service).append(" (").append(mesh.logFile(service)).append("):\n")
				.append(mesh.logTail(service, 15));
		}
		return tails.toString();
	}

	@Override
	public void close() {
		try {
			amqp.close();
		}
		catch (IOException | RuntimeException ex) {
			// the mesh is closed below either way
		}
		finally {
			mesh.close();
		}
	}
}
