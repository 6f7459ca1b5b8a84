package io.colony.credentials.request;

import io.colony.contracts.AgentId;
import io.colony.contracts.AgentSignature;
import io.colony.contracts.CredentialRequest;
import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.JobId;
import io.colony.contracts.SignedCredentialRequest;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import io.colony.credentials.web.InvalidInput;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CredentialRequestCheckTests {

	static final CredentialRequest VALID = new CredentialRequest(CredentialRequestId.random(), AgentId.of("w-1"),
			TenantId.of("acme"), JobId.random(), TaskId.random(), "inventory", List.of("inventory:read"),
			Duration.ofMinutes(5), "restock", UUID.randomUUID().toString(), Instant.now());

	static final AgentSignature SIGNATURE = new AgentSignature("k1", "c2ln");

	@Test
	void validRequestPasses() {
		assertThat(CredentialRequestCheck.check(new SignedCredentialRequest(VALID, SIGNATURE))).isSameAs(VALID);
	}

	@Test
	void eachInvalidFieldIsNamed() {
		invalid(r -> with(r, 0, null), "requestId");
		invalid(r -> with(r, 4, null), "taskId");
		invalid(r -> with(r, 5, "in ventory"), "resource");
		invalid(r -> with(r, 6, List.of()), "scope");
		invalid(r -> with(r, 6, List.of("inventory:*")), "scope tokens");
		invalid(r -> with(r, 6, List.of("a:read", "a:read")), "twice");
		invalid(r -> with(r, 6, Arrays.asList("a:read", null)), "scope tokens");
		invalid(r -> with(r, 7, Duration.ofMillis(999)), "ttl");
		invalid(r -> with(r, 7, Duration.ofMinutes(-1)), "ttl");
		invalid(r -> with(r, 8, "x".repeat(2001)), "justification");
		invalid(r -> with(r, 9, "short"), "nonce");
		invalid(r -> with(r, 9, "has spaces in it"), "nonce");
		invalid(r -> with(r, 10, null), "signedAt");
		assertThatExceptionOfType(InvalidInput.class)
			.isThrownBy(() -> CredentialRequestCheck.check(new SignedCredentialRequest(VALID, null)))
			.withMessageContaining("signature");
		assertThatExceptionOfType(InvalidInput.class)
			.isThrownBy(() -> CredentialRequestCheck.check(new SignedCredentialRequest(null, SIGNATURE)));
	}

	private static void invalid(UnaryOperator<CredentialRequest> change, String named) {
		assertThatExceptionOfType(InvalidInput.class)
			.isThrownBy(() -> CredentialRequestCheck.check(new SignedCredentialRequest(change.apply(VALID), SIGNATURE)))
			.withMessageContaining(named);
	}

	@SuppressWarnings("unchecked")
	private static CredentialRequest with(CredentialRequest r, int field, Object value) {
		Object[] v = { r.requestId(), r.agentId(), r.tenant(), r.jobId(), r.taskId(), r.resource(), r.scope(), r.ttl(),
				r.justification(), r.nonce(), r.signedAt() };
		v[field] = value;
		return new CredentialRequest((CredentialRequestId) v[0], (AgentId) v[1], (TenantId) v[2], (JobId) v[3],
				(TaskId) v[4], (String) v[5], (List<String>) v[6], (Duration) v[7], (String) v[8], (String) v[9],
				(Instant) v[10]);
	}
}
