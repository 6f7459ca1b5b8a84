package io.colony.platform.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/** A fresh PostgreSQL database for one test class on the local server, dropped on close. */
public final class TestDatabase implements AutoCloseable {

	public static final String HOST = System.getenv().getOrDefault("COLONY_DB_HOST", "127.0.0.1");

	public static final String USER = System.getenv().getOrDefault("COLONY_DB_USER", "postgres");

	private final String name;

	private TestDatabase(String name) {
		this.name = name;
	}

	public static TestDatabase create() {
		String name = "colony_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		execute("create database " + name);
		return new TestDatabase(name);
	}

	public String name() {
		return name;
	}

	public String jdbcUrl() {
		return "jdbc:postgresql://" + HOST + ":5432/" + name;
	}

	public Connection connect() throws SQLException {
		return DriverManager.getConnection(jdbcUrl(), USER, "");
	}

	@Override
	public void close() {
		execute("drop database if exists " + name + " with (force)");
	}

	private static void execute(String sql) {
		try (Connection connection = DriverManager.getConnection("jdbc:postgresql://" + HOST + ":5432/postgres", USER, "");
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("PostgreSQL at " + HOST + ":5432 refused '" + sql + "': " + ex.getMessage(), ex);
		}
	}
}
