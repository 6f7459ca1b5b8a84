package io.colony.gateway.fleet;

import io.colony.contracts.TenantId;
import io.colony.gateway.fleet.FakeFleetSources.Behaviour;
import io.colony.gateway.fleet.FleetSnapshots.Caller;
import io.colony.platform.messaging.MessageCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** The snapshot never fails as a whole: each source's failure is that section's, with a reason. */
class FleetSnapshotsTests {

	static final Clock CLOCK = Clock.fixed(Instant.parse("2025-11-21T10:00:00Z"), ZoneOffset.UTC);

	static FakeFleetSources sources;

	@BeforeAll
	static void start() {
		sources = FakeFleetSources.start();
	}

	@AfterAll
	static void stop() {
		sources.close();
	}

	@Test
	void everySourceDownGivesEverySectionUnavailable() {
		URI nowhere = URI.create("http://127.0.0.1:" + closedPort());

		// a timeout far beyond a refused connection, so that a cold client's first connection cannot hit it
		FleetSnapshot snapshot = snapshots(nowhere, nowhere, Duration.ofSeconds(10))
			.take(new Caller(TenantId.of("acme"), "token"))
			.block(Duration.ofSeconds(30));

		assertThat(snapshot.observedAt()).isEqualTo(CLOCK.instant());
		assertThat(snapshot.queues().status()).isEqualTo(Availability.UNAVAILABLE);
		assertThat(snapshot.queues().reason()).isEqualTo("RabbitMQ management API is not reachable at " + nowhere + "/");
		assertThat(snapshot.workers().status()).isEqualTo(Availability.UNAVAILABLE);
		assertThat(snapshot.workers().reason()).startsWith("registry is not reachable");
		assertThat(snapshot.jobs().reason()).startsWith("orchestrator is not reachable");
		assertThat(snapshot.approvals().reason()).startsWith("credential service is not reachable");
	}

	@Test
	void aSilentSourceIsCutOffAtTheTimeoutWithoutHoldingUpTheOthers() {
		sources.reset();
		sources.behaviour.put(FakeFleetSources.METRICS, Behaviour.HANG);
		URI fake = URI.create(sources.url());

		FleetSnapshot snapshot = snapshots(URI.create("http://127.0.0.1:" + closedPort()), fake, Duration.ofSeconds(2))
			.take(Caller.withoutApprovals())
			.block(Duration.ofSeconds(30));

		assertThat(snapshot.jobs().status()).isEqualTo(Availability.UNAVAILABLE);
		assertThat(snapshot.jobs().reason()).isEqualTo("orchestrator did not answer within 2 s");
		assertThat(snapshot.workers().status()).isEqualTo(Availability.AVAILABLE);
		assertThat(snapshot.workers().workers()).hasSize(2);
		assertThat(snapshot.approvals().status()).isEqualTo(Availability.OMITTED);
	}

	private static FleetSnapshots snapshots(URI management, URI services, Duration timeout) {
		WebClient client = WebClient.create();
		MessageCodec codec = new MessageCodec();
		return new FleetSnapshots(new BrokerQueues(client, management, "/", "guest", "guest", codec),
				new RegistryWorkers(client, services, codec), new JobCounts(client, services),
				new PendingApprovals(client, services, codec), timeout, CLOCK);
	}

	/** A port nothing listens on: bound once, then released. */
	private static int closedPort() {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
