package io.colony.benchmarks.status;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.colony.benchmarks.cli.Args;
import io.colony.benchmarks.cli.CommandFailed;
import io.colony.benchmarks.client.ColonyClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The status command against a stand-in gateway: its local issuer and its fleet view. */
class StatusCommandTests {

	private HttpServer gateway;

	private final List<String> tokenForms = new CopyOnWriteArrayList<>();

	private final List<String> fleetAuthorizations = new CopyOnWriteArrayList<>();

	private final AtomicInteger minted = new AtomicInteger();

	/** Tokens the stand-in refuses as expired. */
	private final Set<String> expired = ConcurrentHashMap.newKeySet();

	private volatile int fleetStatus = 200;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	@BeforeEach
	void startGateway() throws IOException {
		gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		gateway.createContext("/oauth2/token", exchange -> {
			tokenForms.add(URLDecoder.decode(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
					StandardCharsets.UTF_8));
			respond(exchange, 200, "{\"access_token\":\"token-" + minted.incrementAndGet() + "\",\"token_type\":\"Bearer\"}");
		});
		gateway.createContext("/api/v1/fleet", exchange -> {
			String authorization = exchange.getRequestHeaders().getFirst("Authorization");
			fleetAuthorizations.add(authorization);
			if (authorization == null || expired.contains(authorization.substring("Bearer ".length()))) {
				respond(exchange, 401, "{\"status\":401}");
			}
			else if (fleetStatus != 200) {
				respond(exchange, fleetStatus, "{\"type\":\"urn:colony:problem:insufficient-scope\",\"status\":" + fleetStatus + "}");
			}
			else {
				respond(exchange, 200, FleetReportTests.SNAPSHOT);
			}
		});
		gateway.start();
	}

	@AfterEach
	void stopGateway() {
		gateway.stop(0);
	}

	@Test
	void mintsAnOperatorTokenForTheTenantAndPrintsTheTables() {
		int status = StatusCommand.run(args("--gateway", url(), "--tenant", "acme"), print());

		assertThat(status).isZero();
		assertThat(tokenForms).singleElement()
			.satisfies(form -> assertThat(form).contains("grant_type=client_credentials")
				.contains("scope=fleet:read credentials:approve")
				.contains("tenant=acme"));
		assertThat(fleetAuthorizations).containsExactly("Bearer token-1");
		assertThat(out()).startsWith("Colony fleet at " + url() + " - snapshot 2025-11-21T10:00:00Z\n")
			.contains("agent.summarizer.dlq           3        0          0  #  << dead letters");
	}

	@Test
	void usesAGivenTokenAsItIs() {
		StatusCommand.run(args("--gateway", url(), "--token", "mine"), print());

		assertThat(tokenForms).isEmpty();
		assertThat(fleetAuthorizations).containsExactly("Bearer mine");
	}

	@Test
	void mintsAgainWhenItsOwnTokenExpired() {
		StatusCommand.Fleet fleet = new StatusCommand.Fleet(new ColonyClient(URI.create(url())), null, "demo");
		fleet.snapshot();
		expired.add("token-1");

		assertThat(fleet.snapshot().path("observedAt").asString()).isEqualTo("2025-11-21T10:00:00Z");
		assertThat(fleetAuthorizations).containsExactly("Bearer token-1", "Bearer token-1", "Bearer token-2");
	}

	@Test
	void aTokenWithoutFleetReadIsExplained() {
		fleetStatus = 403;

		assertThatThrownBy(() -> StatusCommand.run(args("--gateway", url(), "--token", "jobs-only"), print()))
			.isInstanceOf(CommandFailed.class)
			.hasMessageStartingWith("reading the fleet view (the token needs scope fleet:read) failed: HTTP 403");
	}

	@Test
	void noGatewayIsSaidPlainly() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = socket.getLocalPort();
		}

		assertThatThrownBy(() -> StatusCommand.run(args("--gateway", "http://127.0.0.1:" + port), print()))
			.isInstanceOf(CommandFailed.class)
			.hasMessage("gateway not reachable at http://127.0.0.1:" + port + " - run ./colony up");
	}

	private static Args args(String... arguments) {
		return Args.parse(List.of(arguments), Set.of("watch"));
	}

	private PrintStream print() {
		return new PrintStream(out, true, StandardCharsets.UTF_8);
	}

	private String out() {
		return out.toString(StandardCharsets.UTF_8);
	}

	private String url() {
		return "http://127.0.0.1:" + gateway.getAddress().getPort();
	}

	private static void respond(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream stream = exchange.getResponseBody()) {
			stream.write(bytes);
		}
		exchange.close();
	}
}
