package io.colony.worker.identity;

import io.colony.contracts.AgentKey;
import io.colony.contracts.AgentSignature;
import io.colony.contracts.TaskResult;
import io.colony.platform.identity.AgentKeyPair;
import io.colony.platform.identity.AgentKeys;
import io.colony.platform.identity.AgentSignatures;
import io.colony.platform.identity.ResultSigning;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * This worker's Ed25519 signing keys: the current one and the one before it, still announced after a rotation so
 * that results signed with it verify until an operator revokes that key. Heartbeats announce both
 * ({@link #announced()}); a revoked key is never announced again, and when the current key is revoked a new one
 * replaces it.
 *
 * <p>Announce, then sign: a new key signs only once a heartbeat carrying it was delivered, so that the registry
 * (and every aggregator listening to heartbeats) knows it before the first result signed with it arrives; until
 * then the previous key signs. The first key of a process signs at once, there being no other. Thread-safe:
 * signing reads one immutable snapshot.
 */
public final class WorkerKeys {

	private static final Logger log = LoggerFactory.getLogger(WorkerKeys.class);

	/**
	 * @param previous {@code null} before the first rotation and after it was revoked
	 * @param currentDelivered whether a delivered heartbeat announced {@code current}
	 */
	private record Keys(AgentKeyPair current, AgentKeyPair previous, boolean currentDelivered) {

		AgentKeyPair signing() {
			return currentDelivered || previous == null ? current : previous;
		}
	}

	private final Path keyFile;

	private final Clock clock;

	private volatile Keys keys;

	private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();

	private final CompletableFuture<Void> firstDelivery;

	WorkerKeys(Path keyFile, Clock clock, Duration firstAnnouncementWait) {
		this.keyFile = keyFile;
		this.clock = clock;
		this.firstDelivery = new CompletableFuture<Void>().completeOnTimeout(null, firstAnnouncementWait.toMillis(),
				TimeUnit.MILLISECONDS);
		AgentKeyPair first = keyFile == null ? AgentKeys.generate(clock.instant()) : loadOrCreate(keyFile, clock);
		this.keys = new Keys(first, null, false);
		log.info("signing results with key {}{}", first.keyId(), keyFile == null ? "" : " from " + keyFile);
	}

	/** The same result, signed with the newest key a delivered heartbeat announced (see the class comment). */
	public <R extends TaskResult> R sign(R result) {
		return ResultSigning.sign(result, keys.signing());
	}

	/**
	 * This worker's signature over the canonical encoding of {@code payload} (a credential request, claim or
	 * renewal), by the same key that signs results now, so that whoever verifies it against the registry finds a
	 * key the registry has heard of.
	 */
	public AgentSignature signatureOf(Object payload) {
		return AgentSignatures.sign(payload, keys.signing());
	}

	/** The public keys to announce in a heartbeat, the current one first. */
	public List<AgentKey> announced() {
		Keys now = keys;
		List<AgentKey> announced = new ArrayList<>(2);
		announced.add(now.current().publicKey());
		if (now.previous() != null) {
			announced.add(now.previous().publicKey());
		}
		return announced;
	}

	/** The newest key, which signs once it was announced. */
	public String currentKeyId() {
		return keys.current().keyId();
	}

	/**
	 * Completes once the first heartbeat of this process was delivered, so that a result published after it is
	 * signed with a key the registry has heard of; or, when no heartbeat can be delivered (no registry and no
	 * aggregator bound to heartbeats), at the latest {@code firstAnnouncementWait} after start.
	 */
	public CompletableFuture<Void> firstAnnouncement() {
		return firstDelivery;
	}

	/** The key results are signed with now. */
	public String signingKeyId() {
		return keys.signing().keyId();
	}

	/** A heartbeat announcing {@code delivered} reached the broker: the newest key among them may sign now. */
	public void heartbeatDelivered(List<AgentKey> delivered) {
		markDelivered(delivered);
		// outside the lock: results waiting for the first announcement are signed and published from here
		firstDelivery.complete(null);
	}

	private synchronized void markDelivered(List<AgentKey> delivered) {
		Keys now = keys;
		if (!now.currentDelivered()
				&& delivered.stream().anyMatch(key -> key.keyId().equals(now.current().keyId()))) {
			keys = new Keys(now.current(), now.previous(), true);
		}
	}

	/** Runs {@code listener} whenever the announced keys change, e.g. to send a heartbeat at once. */
	public void onChange(Runnable listener) {
		changeListeners.add(listener);
	}

	/** Makes a new key that signs from now on; the current one becomes the previous, still announced. */
	synchronized AgentKeyPair rotate() {
		AgentKeyPair next = AgentKeys.generate(clock.instant());
		persist(next);
		Keys before = keys;
		keys = new Keys(next, before.signing(), false);
		log.info("rotated signing key: {} signs once announced, {} stays announced until revoked", next.keyId(),
				before.signing().keyId());
		changed();
		return next;
	}

	/** Stops announcing {@code keyId}; when it is the current key, a new one signs from now on. */
	synchronized void revoked(String keyId) {
		Keys before = keys;
		if (before.previous() != null && before.previous().keyId().equals(keyId)) {
			keys = new Keys(before.current(), null, before.currentDelivered());
			log.info("key {} revoked, no longer announced", keyId);
			changed();
		}
		else if (before.current().keyId().equals(keyId)) {
			AgentKeyPair next = AgentKeys.generate(clock.instant());
			persist(next);
			keys = new Keys(next, before.previous(), false);
			log.warn("the current signing key {} was revoked; {} replaces it", keyId, next.keyId());
			changed();
		}
	}

	private void changed() {
		changeListeners.forEach(Runnable::run);
	}

	private void persist(AgentKeyPair key) {
		if (keyFile == null) {
			return;
		}
		try {
			AgentKeys.save(key, keyFile);
		}
		catch (IOException ex) {
			// the key still signs in this process; after a restart the file's older key would be announced again
			log.error("could not save signing key {} to {}: {}", key.keyId(), keyFile, ex.toString());
		}
	}

	private static AgentKeyPair loadOrCreate(Path keyFile, Clock clock) {
		try {
			return AgentKeys.loadOrCreate(keyFile, clock.instant());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read or create the signing key file " + keyFile, ex);
		}
	}
}
