package io.colony.registry.agents;

import io.colony.contracts.AgentId;
import io.colony.contracts.AgentKey;
import io.colony.contracts.AgentKeyRevoked;
import io.colony.contracts.AgentKeyRotationRequested;
import io.colony.contracts.AgentView;
import io.colony.contracts.Destinations;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.Outgoing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;

/**
 * Operator actions on a live agent's keys. Each publishes its registry event on {@link Destinations#REGISTRY}
 * and answers only once the broker confirmed it; when the broker does not, nothing is stored and the answer is
 * a {@code 503} that may be retried.
 *
 * <p>Revocation publishes first and stores second, so a failure in between leaves the key valid and a retry
 * publishes again: {@link AgentKeyRevoked} is delivered at least once, and two racing revocations may both
 * publish (verifiers treat a repeated revocation as a no-op). A key already stored as revoked is answered
 * {@code 200} without publishing again.
 */
@RestController
@RequestMapping("/api/v1/registry/agents/{agentId}/keys")
class AgentKeyController {

	private static final Logger log = LoggerFactory.getLogger(AgentKeyController.class);

	private final AgentRegistry registry;

	private final MessagePublisher publisher;

	private final Clock clock;

	AgentKeyController(AgentRegistry registry, MessagePublisher publisher, Clock clock) {
		this.registry = registry;
		this.publisher = publisher;
		this.clock = clock;
	}

	@PostMapping("/{keyId}/revoke")
	CompletableFuture<AgentView> revokeKey(@PathVariable String agentId, @PathVariable String keyId) {
		AgentId id = InvalidAgentQuery.agentId(agentId);
		AgentView view = registry.live(id, clock.instant()).orElseThrow(() -> new AgentNotFound(id));
		AgentKey key = registry.key(id, keyId).orElseThrow(() -> new AgentKeyNotFound(id, keyId));
		if (key.revoked()) {
			return CompletableFuture.completedFuture(view);
		}
		// stored at the database's precision, so that the event and later reads say the same instant
		Instant revokedAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
		return publisher
			.publish(Outgoing.to(Destinations.REGISTRY, Destinations.AGENT_KEY_REVOKED,
					new AgentKeyRevoked(id, keyId, revokedAt)))
			.thenApply(published -> {
				registry.revokeKey(id, keyId, revokedAt);
				log.info("revoked key {} of agent {}", keyId, id);
				// the entry may have expired meanwhile; the key is revoked all the same
				return registry.live(id, clock.instant()).orElse(view);
			});
	}

	/** {@code 202}: the agent announces its new key in a later heartbeat (if it is still running). */
	@PostMapping("/rotate")
	CompletableFuture<ResponseEntity<Void>> rotateKeys(@PathVariable String agentId) {
		AgentId id = InvalidAgentQuery.agentId(agentId);
		registry.live(id, clock.instant()).orElseThrow(() -> new AgentNotFound(id));
		return publisher
			.publish(Outgoing.to(Destinations.REGISTRY, Destinations.AGENT_KEY_ROTATION,
					new AgentKeyRotationRequested(id, clock.instant())))
			.thenApply(published -> ResponseEntity.status(HttpStatus.ACCEPTED).<Void>build());
	}
}
