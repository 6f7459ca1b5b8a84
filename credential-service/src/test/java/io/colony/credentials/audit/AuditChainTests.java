package io.colony.credentials.audit;

import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.LeaseId;
import io.colony.contracts.TenantId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditChainTests {

	private static final Instant AT = Instant.parse("2026-01-02T03:04:05.123456Z");

	private static final UUID REQUEST = UUID.fromString("6f1c3a8e-0000-4000-8000-000000000001");

	private static final UUID LEASE = UUID.fromString("6f1c3a8e-0000-4000-8000-000000000002");

	private static AuditEntry entry() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("ttl", Duration.ofMinutes(5));
		details.put("scope", List.of("repo:read"));
		return new AuditEntry("issued", TenantId.of("acme"), new CredentialRequestId(REQUEST), new LeaseId(LEASE),
				"agent-1", details);
	}

	/** An entry stored as the trail stores it, following {@code previousHash}. */
	private static StoredEntry stored(long seq, String previousHash) {
		String body = AuditChain.body(seq, AT, entry());
		return new StoredEntry(seq, AT, "issued", "acme", REQUEST, LEASE, "agent-1", body, previousHash,
				AuditChain.hash(previousHash, body));
	}

	@Test
	void theBodyIsCanonicalJsonOfEverythingButTheHashes() {
		assertThat(AuditChain.body(7, AT, entry())).isEqualTo("{\"actor\":\"agent-1\","
				+ "\"details\":{\"scope\":[\"repo:read\"],\"ttl\":\"PT5M\"},\"kind\":\"issued\","
				+ "\"leaseId\":\"" + LEASE + "\",\"recordedAt\":\"2026-01-02T03:04:05.123456Z\","
				+ "\"requestId\":\"" + REQUEST + "\",\"seq\":7,\"tenant\":\"acme\"}");
	}

	@Test
	void theHashCoversThePreviousHashAndTheBody() {
		// printf '%s{}' 000...0 | sha256sum
		assertThat(AuditChain.hash(AuditChain.GENESIS, "{}"))
			.isEqualTo("5508d2b710e64bc470079e1b211d9c58e21011e59d0559e422345dc19d659a75");
		assertThat(AuditChain.hash("1".repeat(64), "{}")).isNotEqualTo(AuditChain.hash(AuditChain.GENESIS, "{}"));
	}

	@Test
	void anEntryAsWrittenChecksOut() {
		StoredEntry first = stored(1, AuditChain.GENESIS);
		StoredEntry second = stored(2, first.hash());

		assertThat(AuditChain.check(first, 1, AuditChain.GENESIS)).isEmpty();
		assertThat(AuditChain.check(second, 2, first.hash())).isEmpty();
	}

	@Test
	void eachKindOfAlterationHasItsReason() {
		StoredEntry first = stored(1, AuditChain.GENESIS);
		StoredEntry third = stored(3, first.hash());
		assertThat(AuditChain.check(third, 2, first.hash()))
			.hasValue(new AuditBreach(2, "entry 2 is missing: the log goes on with entry 3"));

		StoredEntry second = stored(2, AuditChain.GENESIS);
		assertThat(AuditChain.check(second, 2, first.hash())).hasValueSatisfying(breach -> {
			assertThat(breach.seq()).isEqualTo(2);
			assertThat(breach.reason()).startsWith("prev_hash does not match the hash of entry 1");
		});

		StoredEntry changed = withBody(stored(2, first.hash()), b -> b.replace("repo:read", "repo:writ"));
		assertThat(AuditChain.check(changed, 2, first.hash())).hasValueSatisfying(
				breach -> assertThat(breach.reason()).startsWith("hash does not match"));

		StoredEntry moved = stored(2, first.hash());
		moved = new StoredEntry(2, moved.recordedAt(), moved.kind(), "globex", moved.requestId(), moved.leaseId(),
				moved.actor(), moved.body(), moved.prevHash(), moved.hash());
		assertThat(AuditChain.check(moved, 2, first.hash()))
			.hasValue(new AuditBreach(2, "column tenant disagrees with the body"));
	}

	@Test
	void anEntryNeedsAKindAndAnActorWithinTheColumnsLimits() {
		assertThatThrownBy(() -> new AuditEntry(" ", null, null, null, "policy", Map.of()))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new AuditEntry("x".repeat(41), null, null, null, "policy", Map.of()))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new AuditEntry("issued", null, null, null, null, Map.of()))
			.isInstanceOf(IllegalArgumentException.class);
		assertThat(new AuditEntry("issued", null, null, null, "policy", null).details()).isEmpty();
	}

	private static StoredEntry withBody(StoredEntry entry, java.util.function.UnaryOperator<String> change) {
		return new StoredEntry(entry.seq(), entry.recordedAt(), entry.kind(), entry.tenant(), entry.requestId(),
				entry.leaseId(), entry.actor(), change.apply(entry.body()), entry.prevHash(), entry.hash());
	}
}
