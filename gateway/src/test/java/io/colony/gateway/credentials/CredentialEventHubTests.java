package io.colony.gateway.credentials;

import io.colony.contracts.AgentId;
import io.colony.contracts.CredentialApprovalRequested;
import io.colony.contracts.CredentialEvent;
import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.CredentialRevoked;
import io.colony.contracts.CredentialUsed;
import io.colony.contracts.JobId;
import io.colony.contracts.LeaseId;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import io.colony.contracts.UnknownCredentialEvent;
import io.colony.platform.messaging.Inbound;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class CredentialEventHubTests {

	static final TenantId ACME = TenantId.of("acme");

	static final TenantId GLOBEX = TenantId.of("globex");

	@Test
	void aSubscriberGetsItsTenantsEventsOnly() {
		CredentialEventHub hub = hub(100);
		CredentialEventHub.Subscription acme = hub.subscribe(ACME);
		CredentialApprovalRequested own = requested(ACME);

		relay(hub, requested(GLOBEX));
		relay(hub, new UnknownCredentialEvent("CredentialSomethingNew"));
		relay(hub, new CredentialUsed(LeaseId.random(), ACME, AgentId.of("w"), TaskId.random(), "t", "used",
				Instant.now()));
		relay(hub, own);
		acme.close();

		StepVerifier.create(acme.events().take(Duration.ofMillis(500)))
			.expectNext(own)
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		assertThat(hub.openSubscriptions()).isZero();
	}

	@Test
	void aStreamThatCannotKeepUpEndsInsteadOfSkippingEvents() {
		CredentialEventHub hub = hub(1);
		CredentialEventHub.Subscription acme = hub.subscribe(ACME);
		CredentialEventHub.Subscription other = hub.subscribe(ACME);
		CredentialApprovalRequested first = requested(ACME);

		relay(hub, first);
		relay(hub, requested(ACME));

		StepVerifier.create(acme.events()).expectNext(first).expectComplete().verify(Duration.ofSeconds(5));
		assertThat(hub.openSubscriptions()).isZero();
		other.close();
	}

	@Test
	void eventsOfATenantNobodyWatchesAreDropped() {
		CredentialEventHub hub = hub(10);
		relay(hub, new CredentialRevoked(LeaseId.random(), CredentialRequestId.random(), GLOBEX, AgentId.of("w"), "op",
				"r", Instant.now()));
		CredentialEventHub.Subscription late = hub.subscribe(GLOBEX);

		StepVerifier.create(late.events().take(Duration.ofMillis(200))).expectComplete().verify(Duration.ofSeconds(5));
	}

	private static CredentialEventHub hub(int maxBuffered) {
		// the consumer is only started by afterSingletonsInstantiated, which these tests do not call
		return new CredentialEventHub(null, null, new CredentialsProperties(null, null, maxBuffered));
	}

	private static void relay(CredentialEventHub hub, CredentialEvent event) {
		hub.relayCredentialEvent(new Inbound<>(event, null, UUID.randomUUID(), 1, Map.of()));
	}

	private static CredentialApprovalRequested requested(TenantId tenant) {
		return new CredentialApprovalRequested(CredentialRequestId.random(), tenant, AgentId.of("worker-1"),
				JobId.random(), TaskId.random(), "inventory", List.of("inventory:write"), Duration.ofMinutes(5), "why",
				Instant.now(), Instant.now().plusSeconds(900));
	}
}
