package io.colony.aggregator.identity;

import io.colony.contracts.AgentId;
import io.colony.contracts.AgentKey;
import io.colony.contracts.AgentView;
import io.colony.platform.identity.AgentKeys;
import io.colony.platform.identity.InvalidAgentKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What this instance knows of agents' public keys: learned from the registry (asked once per agent when a result
 * names a key not known yet, answers shared by concurrent askers), from heartbeats, and from revocations.
 * A revocation is final: no later heartbeat or registry answer makes a revoked key valid again. A key the
 * registry did not know is not asked for again for {@code unknownKeyTtl}.
 */
final class AgentKeyring {

	private static final Logger log = LoggerFactory.getLogger(AgentKeyring.class);

	private static final Duration FAILURE_MEMORY = Duration.ofSeconds(1);

	sealed interface KeyStatus {
	}

	record Valid(PublicKey key) implements KeyStatus {
	}

	enum Invalid implements KeyStatus {
		UNKNOWN, REVOKED
	}

	private record Trusted(PublicKey key, Instant learnedAt) {
	}

	private final RegistryClient registry;

	private final Duration wait;

	private final Duration keyCacheTtl;

	private final Duration unknownKeyTtl;

	private final Clock clock;

	private final Map<String, Trusted> trusted = new ConcurrentHashMap<>();

	private final Set<String> revoked = ConcurrentHashMap.newKeySet();

	private final Map<String, Instant> unknownUntil = new ConcurrentHashMap<>();

	private final Map<AgentId, CompletableFuture<Void>> lookups = new ConcurrentHashMap<>();

	/**
	 * Agents the registry could not be asked about just now: a batch whose results are retried one by one after
	 * such a failure does not wait for the registry once per result.
	 */
	private final Map<AgentId, Instant> failedUntil = new ConcurrentHashMap<>();

	AgentKeyring(RegistryClient registry, Duration wait, Duration keyCacheTtl, Duration unknownKeyTtl, Clock clock) {
		this.registry = registry;
		this.wait = wait;
		this.keyCacheTtl = keyCacheTtl;
		this.unknownKeyTtl = unknownKeyTtl;
		this.clock = clock;
	}

	/**
	 * The status of {@code keyId} of {@code agentId}, asking the registry when this instance does not know it (or
	 * learned it longer than {@code keyCacheTtl} ago). Waits for the registry at most {@code wait}: it is called
	 * from the batch consumer's own thread, which already waits on the database, and only for keys not seen yet.
	 *
	 * @throws RegistryUnavailable when the registry had to be asked and could not answer
	 */
	KeyStatus status(AgentId agentId, String keyId) {
		String id = idOf(agentId, keyId);
		Instant now = clock.instant();
		if (revoked.contains(id)) {
			return Invalid.REVOKED;
		}
		Trusted known = trusted.get(id);
		if (known != null && known.learnedAt().plus(keyCacheTtl).isAfter(now)) {
			return new Valid(known.key());
		}
		Instant notBefore = unknownUntil.get(id);
		if (known == null && notBefore != null && now.isBefore(notBefore)) {
			return Invalid.UNKNOWN;
		}
		Instant failed = failedUntil.get(agentId);
		if (known == null && failed != null && now.isBefore(failed)) {
			throw new RegistryUnavailable("the registry could not be asked about agent " + agentId + " a moment ago",
					null);
		}
		try {
			refresh(agentId).get(wait.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RegistryUnavailable("interrupted while asking the registry for agent " + agentId, ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			Throwable cause = ex instanceof ExecutionException && ex.getCause() != null ? ex.getCause() : ex;
			failedUntil.put(agentId, clock.instant().plus(FAILURE_MEMORY));
			if (known != null) {
				log.warn("could not refresh the keys of agent {}, trusting what it announced before: {}", agentId,
						cause.toString());
				return new Valid(known.key());
			}
			throw cause instanceof RegistryUnavailable unavailable ? unavailable
					: new RegistryUnavailable("no answer from the registry for agent " + agentId + " within " + wait,
							cause);
		}
		if (revoked.contains(id)) {
			return Invalid.REVOKED;
		}
		Trusted learned = trusted.get(id);
		if (learned != null) {
			return new Valid(learned.key());
		}
		unknownUntil.put(id, clock.instant().plus(unknownKeyTtl));
		return Invalid.UNKNOWN;
	}

	/** Keys an agent announced in a heartbeat: trusted unless revoked. */
	void announced(AgentId agentId, List<AgentKey> keys) {
		Instant now = clock.instant();
		for (AgentKey key : keys) {
			if (key.revoked()) {
				revoke(agentId, key.keyId());
			}
			else {
				trust(agentId, key, now);
			}
		}
	}

	void revoke(AgentId agentId, String keyId) {
		String id = idOf(agentId, keyId);
		if (revoked.add(id)) {
			log.info("key {} of agent {} revoked: results signed with it are rejected from now on", keyId, agentId);
		}
		trusted.remove(id);
	}

	boolean isRevoked(AgentId agentId, String keyId) {
		return revoked.contains(idOf(agentId, keyId));
	}

	boolean isTrusted(AgentId agentId, String keyId) {
		return trusted.containsKey(idOf(agentId, keyId));
	}

	private CompletableFuture<Void> refresh(AgentId agentId) {
		CompletableFuture<Void> mine = new CompletableFuture<>();
		CompletableFuture<Void> running = lookups.putIfAbsent(agentId, mine);
		if (running != null) {
			return running;
		}
		CompletableFuture<Optional<AgentView>> answer;
		try {
			answer = registry.agent(agentId);
		}
		catch (RuntimeException ex) {
			answer = CompletableFuture.failedFuture(ex);
		}
		answer.whenComplete((view, error) -> {
			lookups.remove(agentId, mine);
			if (error != null) {
				mine.completeExceptionally(error instanceof CompletionException
						&& error.getCause() != null ? error.getCause() : error);
				return;
			}
			view.ifPresent(agent -> announced(agentId, agent.keys()));
			mine.complete(null);
		});
		return mine;
	}

	private void trust(AgentId agentId, AgentKey key, Instant now) {
		String id = idOf(agentId, key.keyId());
		if (revoked.contains(id)) {
			return;
		}
		try {
			PublicKey publicKey = AgentKeys.publicKeyOf(key);
			if (!AgentKeys.keyIdOf(publicKey).equals(key.keyId())) {
				log.warn("agent {} announced key id {} for a key whose id is {}; ignoring it", agentId, key.keyId(),
						AgentKeys.keyIdOf(publicKey));
				return;
			}
			trusted.put(id, new Trusted(publicKey, now));
			unknownUntil.remove(id);
		}
		catch (InvalidAgentKey ex) {
			log.warn("agent {} announced an unusable key: {}", agentId, ex.getMessage());
		}
	}

	private static String idOf(AgentId agentId, String keyId) {
		return agentId.value() + '\u0000' + keyId;
	}
}
