package io.colony.worker.identity;

import io.colony.contracts.AgentKey;
import io.colony.contracts.TaskResult;
import io.colony.platform.identity.AgentKeyPair;
import io.colony.platform.identity.AgentKeys;
import io.colony.platform.identity.ResultSigning;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * This worker's Ed25519 signing keys: the current one, which signs every result, and the one before it, still
 * announced after a rotation so that results signed just before it verify until an operator revokes that key.
 * Heartbeats announce both ({@link #announced()}); a revoked key is never announced again, and when the current
 * key is revoked a new one takes over at once. Thread-safe: signing reads one immutable snapshot.
 */
public final class WorkerKeys {

	private static final Logger log = LoggerFactory.getLogger(WorkerKeys.class);

	/** @param previous {@code null} before the first rotation and after it was revoked */
	private record Keys(AgentKeyPair current, AgentKeyPair previous) {
	}

	private final Path keyFile;

	private final Clock clock;

	private volatile Keys keys;

	WorkerKeys(Path keyFile, Clock clock) {
		this.keyFile = keyFile;
		this.clock = clock;
		AgentKeyPair first = keyFile == null ? AgentKeys.generate(clock.instant()) : loadOrCreate(keyFile, clock);
		this.keys = new Keys(first, null);
		log.info("signing results with key {}{}", first.keyId(), keyFile == null ? "" : " from " + keyFile);
	}

	/** The same result, signed with the current key. */
	public <R extends TaskResult> R sign(R result) {
		return ResultSigning.sign(result, keys.current());
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

	public String currentKeyId() {
		return keys.current().keyId();
	}

	/** Makes a new key that signs from now on; the current one becomes the previous, still announced. */
	synchronized AgentKeyPair rotate() {
		AgentKeyPair next = AgentKeys.generate(clock.instant());
		persist(next);
		Keys before = keys;
		keys = new Keys(next, before.current());
		log.info("rotated signing key: {} signs from now on, {} stays announced until revoked", next.keyId(),
				before.current().keyId());
		return next;
	}

	/** Stops announcing {@code keyId}; when it is the current key, a new one signs from now on. */
	synchronized void revoked(String keyId) {
		Keys before = keys;
		if (before.previous() != null && before.previous().keyId().equals(keyId)) {
			keys = new Keys(before.current(), null);
			log.info("key {} revoked, no longer announced", keyId);
		}
		else if (before.current().keyId().equals(keyId)) {
			AgentKeyPair next = AgentKeys.generate(clock.instant());
			persist(next);
			keys = new Keys(next, before.previous());
			log.warn("the current signing key {} was revoked; {} signs from now on", keyId, next.keyId());
		}
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
