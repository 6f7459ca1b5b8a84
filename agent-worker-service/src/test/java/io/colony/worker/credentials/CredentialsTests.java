package io.colony.worker.credentials;

import io.colony.platform.testing.MutableClock;
import io.colony.contracts.AgentId;
import io.colony.contracts.CredentialRequest;
import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.CredentialRequestStatus;
import io.colony.contracts.CredentialRevoked;
import io.colony.contracts.CredentialUsed;
import io.colony.contracts.JobId;
import io.colony.contracts.LeaseId;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import io.colony.platform.identity.AgentKeyPair;
import io.colony.platform.identity.AgentKeys;
import io.colony.platform.identity.AgentSignatures;
import io.colony.platform.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The held credentials and the point-of-use check on a clock the test sets, against a stand-in of the credential
 * service's agent API that verifies every signature.
 */
class CredentialsTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final AgentId ME = AgentId.of("worker-credentials-test");

	private static final TenantId TENANT = TenantId.of("acme");

	private static final Instant START = Instant.parse("2026-03-02T09:00:00Z");

	private final MutableClock clock = new MutableClock(START);

	private final AgentKeyPair key = AgentKeys.generate(START);

	private final List<CredentialUsed> reports = new CopyOnWriteArrayList<>();

	private final JobId job = JobId.random();

	private final TaskId task = TaskId.random();

	private CredentialServiceStandIn service;

	private Credentials credentials;

	@BeforeEach
	void start() throws IOException {
		service = new CredentialServiceStandIn(keyId -> keyId.equals(key.keyId()) ? key.publicKey() : null, clock);
		credentials = credentials(Duration.ofMinutes(15), service.url(), key);
	}

	@AfterEach
	void stop() {
		service.close();
	}

	private Credentials credentials(Duration approvalTimeout, String url, AgentKeyPair signingKey) {
		CredentialBroker broker = new CredentialBroker(WebClient.create(url), ME,
				payload -> Mono.just(AgentSignatures.sign(payload, signingKey)), clock, Duration.ofSeconds(10),
				Duration.ofMillis(10));
		CredentialsProperties properties = new CredentialsProperties(URI.create(url), approvalTimeout, null,
				Duration.ofSeconds(30), null, null);
		return new Credentials(broker, properties, ME, reports::add, clock);
	}

	private CredentialNeed read(TaskId taskId) {
		return new CredentialNeed(TENANT, job, taskId, "inventory", List.of("inventory:read"), Duration.ofMinutes(5),
				"count the stock");
	}

	private CredentialNeed write() {
		return new CredentialNeed(TENANT, job, task, "inventory", List.of("inventory:write"), Duration.ofMinutes(5),
				"restock A1");
	}

	private HeldCredential acquire(CredentialNeed need) {
		return credentials.acquire(need).block(WAIT);
	}

	@Test
	void aGrantedCredentialIsSignedForThisAgentAndReusedByTheSameTaskOnly() {
		HeldCredential first = acquire(read(task));
		String token = credentials.beforeUse(first, "resource_api");

		assertThat(service.accepts(token, "inventory", "inventory:read")).isTrue();
		CredentialRequest asked = service.requests().getFirst();
		assertThat(asked.agentId()).isEqualTo(ME);
		assertThat(asked.tenant()).isEqualTo(TENANT);
		assertThat(asked.jobId()).isEqualTo(job);
		assertThat(asked.taskId()).isEqualTo(task);
		assertThat(asked.scope()).containsExactly("inventory:read");
		assertThat(asked.ttl()).isEqualTo(Duration.ofMinutes(5));
		assertThat(asked.justification()).isEqualTo("count the stock");

		HeldCredential again = acquire(read(task));
		assertThat(again.leaseId()).isEqualTo(first.leaseId());
		assertThat(credentials.beforeUse(again, "resource_api")).isEqualTo(token);
		assertThat(service.requests()).hasSize(1);

		HeldCredential otherTask = acquire(read(TaskId.random()));
		assertThat(otherTask.leaseId()).isNotEqualTo(first.leaseId());
		assertThat(service.requests()).hasSize(2);

		assertThat(reports).extracting(CredentialUsed::outcome).containsExactly(CredentialUsed.USED, CredentialUsed.USED);
		assertThat(reports.getFirst()).isEqualTo(new CredentialUsed(first.leaseId(), TENANT, ME, task, "resource_api",
				CredentialUsed.USED, START));
		assertThat(first.toString()).doesNotContain(token);
	}

	@Test
	void theTokenIsRefusedFromTheInstantItExpires() {
		HeldCredential held = acquire(read(task));
		Instant expiresAt = held.expiresAt();
		assertThat(expiresAt).isEqualTo(START.plus(Duration.ofMinutes(5)));

		clock.set(expiresAt.minusMillis(1));
		String token = credentials.beforeUse(held, "resource_api");
		clock.set(expiresAt);
		assertThatThrownBy(() -> credentials.beforeUse(held, "resource_api")).isInstanceOf(CredentialExpired.class)
			.hasMessage("credential expired: the token of lease " + held.leaseId() + " expired at " + expiresAt
					+ " and was not used; call again to request a new one")
			.hasMessageNotContaining(token);

		assertThat(reports).extracting(CredentialUsed::outcome)
			.containsExactly(CredentialUsed.USED, CredentialUsed.REFUSED_EXPIRED);
		assertThat(reports.getLast().usedAt()).isEqualTo(expiresAt);
		HeldCredential renewed = acquire(read(task));
		assertThat(renewed.leaseId()).as("an expired credential is not held on to").isNotEqualTo(held.leaseId());
		assertThat(service.requests()).hasSize(2);
	}

	@Test
	void aRevokedLeaseIsRefusedAtItsNextUseWithoutItsToken() {
		HeldCredential held = acquire(read(task));
		String token = credentials.beforeUse(held, "resource_api");
		credentials.revoked(new CredentialRevoked(held.leaseId(), null, TENANT, AgentId.of("someone-else"), "ops",
				"not yours", clock.instant()));
		credentials.revoked(new CredentialRevoked(LeaseId.random(), null, TENANT, ME, "ops", "another lease",
				clock.instant()));
		assertThat(credentials.isRevoked(held.leaseId())).as("another agent's revocation").isFalse();

		credentials.revoked(service.revoke(held.leaseId(), "ops@acme", "leaked in a ticket"));

		assertThat(credentials.isRevoked(held.leaseId())).isTrue();
		HeldCredential next = acquire(read(task));
		assertThat(next.leaseId()).isEqualTo(held.leaseId());
		assertThat(next.toString()).contains("token dropped");
		assertThatThrownBy(() -> credentials.beforeUse(next, "resource_api")).isInstanceOf(LeaseRevoked.class)
			.hasMessage("credential revoked: lease " + held.leaseId()
					+ " was revoked (leaked in a ticket) and its token was not used");
		assertThatThrownBy(() -> credentials.beforeUse(held, "resource_api"))
			.as("a copy taken before the revocation").isInstanceOf(LeaseRevoked.class)
			.hasMessageNotContaining(token);
		assertThat(reports).extracting(CredentialUsed::outcome).containsExactly(CredentialUsed.USED,
				CredentialUsed.REFUSED_REVOKED, CredentialUsed.REFUSED_REVOKED);
		assertThat(service.requests()).hasSize(1);

		HeldCredential fresh = acquire(read(task));
		assertThat(fresh.leaseId()).as("asked anew after the refusal").isNotEqualTo(held.leaseId());
		assertThat(credentials.beforeUse(fresh, "resource_api")).isNotEqualTo(token);
	}

	@Test
	void closeToExpiryTheLeaseIsRenewedAndAtItsMaximumLifetimeUsedUntilItExpires() {
		service.lifetimes(Duration.ofMinutes(5), Duration.ofMinutes(7));
		HeldCredential first = acquire(read(task));
		String firstToken = credentials.beforeUse(first, "resource_api");
		assertThat(first.maxExpiresAt()).isEqualTo(START.plus(Duration.ofMinutes(7)));

		clock.set(START.plus(Duration.ofMinutes(4)));
		assertThat(acquire(read(task))).as("30s before expiry is not yet close").isSameAs(first);
		assertThat(service.renewals()).isZero();

		clock.set(START.plus(Duration.ofSeconds(4 * 60 + 31)));
		HeldCredential renewed = acquire(read(task));
		assertThat(service.renewals()).isEqualTo(1);
		assertThat(renewed.leaseId()).isEqualTo(first.leaseId());
		assertThat(renewed.expiresAt()).as("capped at the lease's maximum lifetime").isEqualTo(first.maxExpiresAt());
		String renewedToken = credentials.beforeUse(renewed, "resource_api");
		assertThat(renewedToken).isNotEqualTo(firstToken);

		clock.set(START.plus(Duration.ofSeconds(6 * 60 + 45)));
		assertThat(acquire(read(task))).as("nothing to renew at the maximum lifetime").isSameAs(renewed);
		assertThat(service.renewals()).isEqualTo(1);

		clock.set(first.maxExpiresAt());
		HeldCredential next = acquire(read(task));
		assertThat(next.leaseId()).isNotEqualTo(first.leaseId());
		assertThat(service.requests()).hasSize(2);
	}

	@Test
	void aRenewalRefusedAtTheMaximumLifetimeAsksForANewLease() {
		service.refuseRenewals(true);
		HeldCredential first = acquire(read(task));

		clock.set(first.expiresAt().minusSeconds(10));
		HeldCredential next = acquire(read(task));

		assertThat(service.renewals()).isEqualTo(1);
		assertThat(next.leaseId()).isNotEqualTo(first.leaseId());
		assertThat(service.requests()).hasSize(2);
	}

	@Test
	void aPendingRequestParksUntilItIsApprovedThenTheCredentialIsClaimed() throws Exception {
		CompletableFuture<HeldCredential> parked = credentials.acquire(write()).toFuture();
		Await.until(WAIT, "the request sent", () -> service.requests().size() == 1);
		CredentialRequestId id = service.requests().getFirst().requestId();
		Await.until(WAIT, "the task parked", () -> credentials.waitingCount() == 1);
		assertThat(parked).isNotDone();
		assertThat(service.claims()).isZero();

		credentials.decided(service.approve(id, "ops@acme"));

		HeldCredential held = parked.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(held.leaseId()).isEqualTo(service.leaseOf(id));
		assertThat(held.scope()).containsExactly("inventory:write");
		assertThat(service.claims()).isEqualTo(1);
		Await.until(WAIT, "no request left waiting", () -> credentials.waitingCount() == 0);
		assertThat(service.accepts(credentials.beforeUse(held, "resource_api"), "inventory", "inventory:write")).isTrue();
		assertThat(acquire(write()).leaseId()).as("the approved lease serves the task's next write").isEqualTo(held.leaseId());
	}

	@Test
	void aDecisionThatArrivesBeforeThePendingAnswerIsNotMissed() {
		service.beforeAnswer(id -> credentials.decided(service.approve(id, "ops@acme")));

		HeldCredential held = acquire(write());

		assertThat(held.scope()).containsExactly("inventory:write");
		assertThat(service.claims()).isEqualTo(1);
		Await.until(WAIT, "no request left waiting", () -> credentials.waitingCount() == 0);
	}

	@Test
	void aDenialEndsTheWaitWithTheApproversReason() throws Exception {
		CompletableFuture<HeldCredential> parked = credentials.acquire(write()).toFuture();
		Await.until(WAIT, "the task parked", () -> service.requests().size() == 1 && credentials.waitingCount() == 1);

		credentials.decided(service.deny(service.requests().getFirst().requestId(), "ops@acme", "change freeze"));

		assertThatThrownBy(() -> parked.get(WAIT.toSeconds(), TimeUnit.SECONDS)).cause()
			.isInstanceOf(CredentialDenied.class)
			.hasMessage("credential denied: change freeze");
		Await.until(WAIT, "no request left waiting", () -> credentials.waitingCount() == 0);
		assertThat(service.claims()).isZero();
	}

	@Test
	void aDecisionWhoseEventWasMissedIsFoundByAskingAgainAtTheApprovalTimeout() {
		Credentials impatient = credentials(Duration.ofMillis(200), service.url(), key);
		CompletableFuture<HeldCredential> parked = impatient.acquire(write()).toFuture();
		Await.until(WAIT, "the request sent", () -> service.requests().size() == 1);
		CredentialRequestId id = service.requests().getFirst().requestId();
		service.approve(id, "ops@acme");

		HeldCredential held = parked.join();

		assertThat(held.leaseId()).isEqualTo(service.leaseOf(id));
		assertThat(service.requests()).hasSize(2);
		assertThat(service.requests().getLast().requestId()).as("the same request, asked again").isEqualTo(id);
		assertThat(service.requests().getLast().nonce()).isNotEqualTo(service.requests().getFirst().nonce());
		assertThat(service.claims()).isEqualTo(1);
	}

	@Test
	void nobodyDecidingWithinTheApprovalTimeoutIsATimeOut() {
		Credentials impatient = credentials(Duration.ofMillis(200), service.url(), key);

		assertThatThrownBy(() -> impatient.acquire(write()).block(WAIT)).isInstanceOf(ApprovalTimedOut.class)
			.hasMessage("credential request timed out: nobody decided it within PT0.2S");
		assertThat(service.requests()).hasSize(2);
		Await.until(WAIT, "no request left waiting", () -> impatient.waitingCount() == 0);
	}

	@Test
	void policyDenialsAndTheServicesProblemsAreNamedFailures() throws IOException {
		service.policy(request -> CredentialRequestStatus.DENIED);
		assertThatThrownBy(() -> acquire(write())).isInstanceOf(CredentialDenied.class)
			.hasMessage("credential denied: policy: [inventory:write] is not allowed");

		Credentials stranger = credentials(Duration.ofMinutes(15), service.url(), AgentKeys.generate(START));
		assertThatThrownBy(() -> stranger.acquire(read(task)).block(WAIT))
			.isInstanceOfSatisfying(CredentialRequestRejected.class,
					rejected -> assertThat(rejected.problem()).isEqualTo("bad-signature"))
			.hasMessage("credential request rejected by the credential service (401 bad-signature): "
					+ "the signature does not verify");

		int closedPort;
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress("127.0.0.1", 0));
			closedPort = socket.getLocalPort();
		}
		Credentials unreachable = credentials(Duration.ofMinutes(15), "http://127.0.0.1:" + closedPort, key);
		assertThatThrownBy(() -> unreachable.acquire(read(task)).block(WAIT))
			.isInstanceOf(CredentialServiceUnavailable.class)
			.hasMessageStartingWith("credential service unavailable: the request could not be sent (");
	}

	@Test
	void aRequestTheServiceCouldNotAuditIsRetriedWithAFreshSignature() {
		service.policy(request -> CredentialRequestStatus.GRANTED);
		service.failNextRequests(2);

		HeldCredential held = acquire(read(task));

		assertThat(service.requests()).hasSize(3);
		assertThat(service.requests()).extracting(CredentialRequest::requestId)
			.containsOnly(service.requests().getFirst().requestId());
		assertThat(service.requests()).extracting(CredentialRequest::nonce).doesNotHaveDuplicates();
		assertThat(credentials.beforeUse(held, "resource_api")).isNotNull();
	}
}
