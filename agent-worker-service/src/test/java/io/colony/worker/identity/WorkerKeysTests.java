package io.colony.worker.identity;

import io.colony.contracts.AgentId;
import io.colony.contracts.AgentKey;
import io.colony.contracts.AgentSignature;
import io.colony.contracts.CredentialClaim;
import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.JobId;
import io.colony.contracts.TaskCompleted;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import io.colony.contracts.Usage;
import io.colony.platform.identity.AgentKeys;
import io.colony.platform.identity.AgentSignatures;
import io.colony.platform.identity.ResultSigning;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerKeysTests {

	@TempDir
	Path directory;

	@Test
	void signsWithTheCurrentKeyAndAnnouncesCurrentAndPreviousUntilTheOldOneIsRevoked() {
		WorkerKeys keys = new WorkerKeys(null, Clock.systemUTC(), Duration.ZERO);
		String first = keys.currentKeyId();
		assertThat(keys.announced()).extracting(AgentKey::keyId).containsExactly(first);
		TaskCompleted signed = keys.sign(result());
		assertThat(ResultSigning.verify(signed, keys.announced().getFirst())).isTrue();

		keys.heartbeatDelivered(keys.announced());
		List<String> changes = new ArrayList<>();
		keys.onChange(() -> changes.add(keys.currentKeyId()));

		String second = keys.rotate().keyId();

		assertThat(second).isNotEqualTo(first);
		assertThat(changes).containsExactly(second);
		assertThat(keys.announced()).extracting(AgentKey::keyId).containsExactly(second, first);
		assertThat(keys.sign(result()).signature().keyId()).as("not announced yet").isEqualTo(first);
		keys.heartbeatDelivered(List.of(keys.announced().getLast()));
		assertThat(keys.signingKeyId()).as("a heartbeat without the new key").isEqualTo(first);
		keys.heartbeatDelivered(keys.announced());
		assertThat(keys.sign(result()).signature().keyId()).isEqualTo(second);

		keys.revoked(first);
		assertThat(keys.announced()).extracting(AgentKey::keyId).containsExactly(second);
		keys.revoked("not-a-key-of-mine");
		assertThat(keys.announced()).extracting(AgentKey::keyId).containsExactly(second);
	}

	@Test
	void revokingTheCurrentKeyReplacesIt() {
		WorkerKeys keys = new WorkerKeys(null, Clock.systemUTC(), Duration.ZERO);
		String first = keys.currentKeyId();

		List<String> changes = new ArrayList<>();
		keys.onChange(() -> changes.add(keys.currentKeyId()));

		keys.revoked(first);

		assertThat(keys.currentKeyId()).isNotEqualTo(first);
		assertThat(changes).containsExactly(keys.currentKeyId());
		assertThat(keys.announced()).extracting(AgentKey::keyId).containsExactly(keys.currentKeyId());
		assertThat(keys.sign(result()).signature().keyId()).isEqualTo(keys.currentKeyId());
	}

	@Test
	void credentialMessagesAreSignedWithTheKeyThatSignsResults() {
		WorkerKeys keys = new WorkerKeys(null, Clock.systemUTC(), Duration.ZERO);
		keys.heartbeatDelivered(keys.announced());
		String first = keys.currentKeyId();
		keys.rotate();
		CredentialClaim claim = new CredentialClaim(CredentialRequestId.random(), AgentId.of("w"), "n-1",
				Instant.parse("2026-03-02T09:00:00Z"));

		AgentSignature signature = keys.signatureOf(claim);

		assertThat(signature.keyId()).as("the new key is not announced yet").isEqualTo(first);
		AgentKey announced = keys.announced().getLast();
		assertThat(AgentSignatures.verify(claim, signature, announced)).isTrue();
		assertThat(AgentSignatures.verify(new CredentialClaim(claim.requestId(), claim.agentId(), "n-2",
				claim.signedAt()), signature, announced)).isFalse();
	}

	@Test
	void aKeyFileKeepsTheKeyAcrossRestartsAndFollowsRotations() throws Exception {
		Path file = directory.resolve("identity/worker.pem");
		WorkerKeys first = new WorkerKeys(file, Clock.systemUTC(), Duration.ZERO);
		WorkerKeys restarted = new WorkerKeys(file, Clock.systemUTC(), Duration.ZERO);
		assertThat(restarted.currentKeyId()).isEqualTo(first.currentKeyId());

		String rotated = restarted.rotate().keyId();

		assertThat(AgentKeys.load(file).keyId()).isEqualTo(rotated);
		assertThat(new WorkerKeys(file, Clock.systemUTC(), Duration.ZERO).currentKeyId()).isEqualTo(rotated);
	}

	@Test
	void resultsWaitForTheFirstDeliveredHeartbeatOrAtMostTheGivenTime() {
		WorkerKeys keys = new WorkerKeys(null, Clock.systemUTC(), Duration.ofHours(1));
		assertThat(keys.firstAnnouncement()).isNotDone();

		keys.heartbeatDelivered(keys.announced());

		assertThat(keys.firstAnnouncement()).isCompleted();
		WorkerKeys alone = new WorkerKeys(null, Clock.systemUTC(), Duration.ofMillis(1));
		assertThat(alone.firstAnnouncement()).succeedsWithin(Duration.ofSeconds(10));
	}

	private static TaskCompleted result() {
		Instant now = Instant.now();
		return new TaskCompleted(JobId.random(), TaskId.random(), TenantId.of("acme"), "in-1", 1, AgentId.of("w-1"),
				"done", new Usage(1, 1, 1), now, now);
	}
}
