package io.colony.worker.credentials;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.colony.contracts.AgentId;
import io.colony.contracts.AgentKey;
import io.colony.contracts.AgentSignature;
import io.colony.contracts.CredentialRequest;
import io.colony.contracts.CredentialRequestAnswer;
import io.colony.contracts.CredentialRequestDecided;
import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.CredentialRequestStatus;
import io.colony.contracts.CredentialRevoked;
import io.colony.contracts.IssuedCredential;
import io.colony.contracts.LeaseId;
import io.colony.contracts.SignedCredentialClaim;
import io.colony.contracts.SignedCredentialRequest;
import io.colony.contracts.SignedLeaseRenewal;
import io.colony.platform.identity.AgentSignatures;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A stand-in for the credential service's agent API on 127.0.0.1 (random port), for tests: it verifies every
 * message's Ed25519 signature with {@link AgentSignatures} against the key the test says the agent has, refuses a
 * replayed nonce, answers requests by a scriptable policy (reads granted, writes pending, by default), and lets the
 * test decide pending requests and revoke leases, returning the events the real service would publish. Tokens are
 * opaque random strings; {@link #accepts} is what a resource server asks.
 */
public final class CredentialServiceStandIn implements AutoCloseable {

	private final JsonMapper json = JsonMapper.builder().build();

	private final HttpServer server;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final Function<String, AgentKey> keys;

	private final Clock clock;

	private final Set<String> nonces = ConcurrentHashMap.newKeySet();

	private final Map<CredentialRequestId, Request> requests = new ConcurrentHashMap<>();

	private final Map<LeaseId, Lease> leases = new ConcurrentHashMap<>();

	private final Map<String, LeaseId> tokens = new ConcurrentHashMap<>();

	private final List<CredentialRequest> received = new CopyOnWriteArrayList<>();

	private final AtomicInteger claims = new AtomicInteger();

	private final AtomicInteger renewals = new AtomicInteger();

	private final AtomicInteger failuresToCome = new AtomicInteger();

	private volatile Function<CredentialRequest, CredentialRequestStatus> policy = request -> request.scope()
		.stream()
		.allMatch(scope -> scope.endsWith(":read")) ? CredentialRequestStatus.GRANTED : CredentialRequestStatus.PENDING;

	private volatile Consumer<CredentialRequestId> beforeAnswer = id -> {
	};

	private volatile Duration ttl = Duration.ofMinutes(5);

	private volatile Duration maxLifetime = Duration.ofHours(1);

	private volatile boolean refuseRenewals;

	private static final class Request {

		final CredentialRequest first;

		volatile CredentialRequestStatus status;

		volatile String reason;

		volatile LeaseId leaseId;

		Request(CredentialRequest first) {
			this.first = first;
		}
	}

	private static final class Lease {

		final LeaseId id;

		final CredentialRequestId requestId;

		final AgentId agentId;

		final String audience;

		final List<String> scope;

		final Instant maxExpiresAt;

		volatile Instant expiresAt;

		volatile boolean revoked;

		Lease(LeaseId id, CredentialRequestId requestId, AgentId agentId, String audience, List<String> scope,
				Instant expiresAt, Instant maxExpiresAt) {
			this.id = id;
			this.requestId = requestId;
			this.agentId = agentId;
			this.audience = audience;
			this.scope = scope;
			this.expiresAt = expiresAt;
			this.maxExpiresAt = maxExpiresAt;
		}
	}

	/**
	 * @param keys the agent's public key by key id, as the registry would serve it; {@code null} for a key it does not
	 * know
	 * @param clock decides expiry, as the worker's does
	 */
	public CredentialServiceStandIn(Function<String, AgentKey> keys, Clock clock) throws IOException {
		this.keys = keys;
		this.clock = clock;
		server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		server.setExecutor(executor);
		server.createContext("/api/v1/credentials/", this::handle);
		server.start();
	}

	public String url() {
		return "http://127.0.0.1:" + server.getAddress().getPort();
	}

	/** Decides new requests; a {@code GRANTED} answer carries the credential. */
	public void policy(Function<CredentialRequest, CredentialRequestStatus> decide) {
		this.policy = decide;
	}

	/**
	 * Runs when a request message has been verified and its answer decided, before the answer is sent: what it
	 * does (a decision, say) happens after the answer's state was taken.
	 */
	public void beforeAnswer(Consumer<CredentialRequestId> hook) {
		this.beforeAnswer = hook;
	}

	/** The lifetime of a token and the lease's maximum lifetime, from its grant. */
	public void lifetimes(Duration tokenTtl, Duration leaseMaxLifetime) {
		this.ttl = tokenTtl;
		this.maxLifetime = leaseMaxLifetime;
	}

	/** Every renewal is refused as {@code max-lifetime-reached}. */
	public void refuseRenewals(boolean refuse) {
		this.refuseRenewals = refuse;
	}

	/** The next {@code count} request messages fail with 503 {@code audit-unavailable}, as when the audit log is down. */
	public void failNextRequests(int count) {
		failuresToCome.set(count);
	}

	/** Every verified request message, retries included, in arrival order. */
	public List<CredentialRequest> requests() {
		return List.copyOf(received);
	}

	public int claims() {
		return claims.get();
	}

	public int renewals() {
		return renewals.get();
	}

	/** A person approves: the lease starts now; returns the event the service publishes. */
	public synchronized CredentialRequestDecided approve(CredentialRequestId id, String approver) {
		Request request = Objects.requireNonNull(requests.get(id), "no request " + id);
		Lease lease = grant(request);
		return new CredentialRequestDecided(id, request.first.tenant(), request.first.agentId(),
				CredentialRequestStatus.GRANTED, lease.id, lease.scope, lease.expiresAt, approver, null, clock.instant());
	}

	public synchronized CredentialRequestDecided deny(CredentialRequestId id, String approver, String reason) {
		Request request = Objects.requireNonNull(requests.get(id), "no request " + id);
		request.status = CredentialRequestStatus.DENIED;
		request.reason = reason;
		return new CredentialRequestDecided(id, request.first.tenant(), request.first.agentId(),
				CredentialRequestStatus.DENIED, null, List.of(), null, approver, reason, clock.instant());
	}

	public synchronized CredentialRevoked revoke(LeaseId id, String operator, String reason) {
		Lease lease = Objects.requireNonNull(leases.get(id), "no lease " + id);
		lease.revoked = true;
		Request request = requests.get(lease.requestId);
		return new CredentialRevoked(id, lease.requestId, request.first.tenant(), lease.agentId, operator, reason,
				clock.instant());
	}

	/** The lease granted for a request, or {@code null}. */
	public LeaseId leaseOf(CredentialRequestId id) {
		Request request = requests.get(id);
		return request == null ? null : request.leaseId;
	}

	/** Whether a resource server should honour {@code token} for {@code scope} on {@code audience} now. */
	public boolean accepts(String token, String audience, String scope) {
		LeaseId id = token == null ? null : tokens.get(token);
		Lease lease = id == null ? null : leases.get(id);
		return lease != null && !lease.revoked && clock.instant().isBefore(lease.expiresAt)
				&& lease.audience.equals(audience) && lease.scope.contains(scope);
	}

	/** Every token handed out: a test checks none of them leaked into a result, an event or a log. */
	public Set<String> issuedTokens() {
		return Set.copyOf(tokens.keySet());
	}

	/** One message at a time, and never while the test decides or revokes: each change of state is atomic. */
	private synchronized void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			String path = exchange.getRequestURI().getPath();
			byte[] body = exchange.getRequestBody().readAllBytes();
			if (!"POST".equals(exchange.getRequestMethod())) {
				problem(exchange, 405, "method-not-allowed", "POST only");
			}
			else if (path.equals("/api/v1/credentials/requests")) {
				request(exchange, json.readValue(body, SignedCredentialRequest.class));
			}
			else if (path.matches("/api/v1/credentials/requests/[^/]+/claim")) {
				claim(exchange, json.readValue(body, SignedCredentialClaim.class));
			}
			else if (path.matches("/api/v1/credentials/leases/[^/]+/renew")) {
				renew(exchange, json.readValue(body, SignedLeaseRenewal.class));
			}
			else {
				problem(exchange, 404, "not-found", path);
			}
		}
		catch (RuntimeException ex) {
			problem(exchange, 400, "malformed", ex.getClass().getSimpleName());
		}
	}

	private void request(HttpExchange exchange, SignedCredentialRequest signed) throws IOException {
		CredentialRequest request = signed.request();
		if (!verified(exchange, request, signed.signature(), request.nonce())) {
			return;
		}
		received.add(request);
		if (failuresToCome.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
			problem(exchange, 503, "audit-unavailable", "the audit log cannot be written");
			return;
		}
		Request state = requests.get(request.requestId());
		if (state != null) {
			if (!sameContent(state.first, request)) {
				problem(exchange, 409, "request-conflict", "another request has this id");
				return;
			}
			// a retry: the current state, never the credential again
			CredentialRequestAnswer answer = new CredentialRequestAnswer(request.requestId(), state.status, state.reason,
					null);
			beforeAnswer.accept(request.requestId());
			answer(exchange, 200, answer);
			return;
		}
		state = new Request(request);
		requests.put(request.requestId(), state);
		CredentialRequestStatus decided = policy.apply(request);
		IssuedCredential credential = null;
		state.status = decided;
		if (decided == CredentialRequestStatus.GRANTED) {
			credential = issue(grant(state));
		}
		else if (decided == CredentialRequestStatus.DENIED) {
			state.reason = "policy: " + request.scope() + " is not allowed";
		}
		else if (decided == CredentialRequestStatus.PENDING) {
			state.reason = "waiting for a person to approve it";
		}
		CredentialRequestAnswer answer = new CredentialRequestAnswer(request.requestId(), state.status, state.reason,
				credential);
		beforeAnswer.accept(request.requestId());
		answer(exchange, 200, answer);
	}

	private void claim(HttpExchange exchange, SignedCredentialClaim signed) throws IOException {
		if (!verified(exchange, signed.claim(), signed.signature(), signed.claim().nonce())) {
			return;
		}
		claims.incrementAndGet();
		Request state = requests.get(signed.claim().requestId());
		if (state == null || !state.first.agentId().equals(signed.claim().agentId())) {
			problem(exchange, 404, "not-found", "no such request of this agent");
			return;
		}
		if (state.status != CredentialRequestStatus.GRANTED) {
			problem(exchange, 409, "not-granted", "the request is " + state.status);
			return;
		}
		Lease lease = leases.get(state.leaseId);
		if (lease.revoked || !clock.instant().isBefore(lease.expiresAt)) {
			problem(exchange, 410, "lease-ended", "the lease was revoked or has expired");
			return;
		}
		answer(exchange, 200, issue(lease));
	}

	private void renew(HttpExchange exchange, SignedLeaseRenewal signed) throws IOException {
		if (!verified(exchange, signed.renewal(), signed.signature(), signed.renewal().nonce())) {
			return;
		}
		renewals.incrementAndGet();
		Lease lease = leases.get(signed.renewal().leaseId());
		if (lease == null || !lease.agentId.equals(signed.renewal().agentId())) {
			problem(exchange, 404, "not-found", "no such lease of this agent");
			return;
		}
		if (lease.revoked || !clock.instant().isBefore(lease.expiresAt)) {
			problem(exchange, 410, "lease-ended", "the lease was revoked or has expired");
			return;
		}
		if (refuseRenewals || !lease.expiresAt.isBefore(lease.maxExpiresAt)) {
			problem(exchange, 409, "max-lifetime-reached", "the lease is at its maximum lifetime " + lease.maxExpiresAt);
			return;
		}
		Instant renewed = clock.instant().plus(ttl);
		lease.expiresAt = renewed.isBefore(lease.maxExpiresAt) ? renewed : lease.maxExpiresAt;
		answer(exchange, 200, issue(lease));
	}

	private boolean verified(HttpExchange exchange, Object payload, AgentSignature signature, String nonce)
			throws IOException {
		AgentKey key = signature == null ? null : keys.apply(signature.keyId());
		if (key == null || !AgentSignatures.verify(payload, signature, key)) {
			problem(exchange, 401, "bad-signature", "the signature does not verify");
			return false;
		}
		if (!nonces.add(nonce)) {
			problem(exchange, 409, "replayed-nonce", "nonce already seen");
			return false;
		}
		return true;
	}

	private Lease grant(Request request) {
		CredentialRequest first = request.first;
		Instant now = clock.instant();
		Duration granted = first.ttl().compareTo(ttl) < 0 ? first.ttl() : ttl;
		Lease lease = new Lease(LeaseId.random(), first.requestId(), first.agentId(), first.resource(), first.scope(),
				now.plus(granted), now.plus(maxLifetime));
		if (lease.expiresAt.isAfter(lease.maxExpiresAt)) {
			lease.expiresAt = lease.maxExpiresAt;
		}
		leases.put(lease.id, lease);
		request.leaseId = lease.id;
		request.status = CredentialRequestStatus.GRANTED;
		return lease;
	}

	/** A fresh token for each hand-out, as the real service mints one each time. */
	private IssuedCredential issue(Lease lease) {
		String token = "tok-" + UUID.randomUUID();
		tokens.put(token, lease.id);
		return new IssuedCredential(lease.id, lease.requestId, "Bearer", token, lease.scope, lease.audience,
				lease.expiresAt, lease.maxExpiresAt);
	}

	private static boolean sameContent(CredentialRequest a, CredentialRequest b) {
		return a.agentId().equals(b.agentId()) && a.tenant().equals(b.tenant()) && Objects.equals(a.jobId(), b.jobId())
				&& Objects.equals(a.taskId(), b.taskId()) && a.resource().equals(b.resource())
				&& a.scope().equals(b.scope()) && a.ttl().equals(b.ttl())
				&& Objects.equals(a.justification(), b.justification());
	}

	private void answer(HttpExchange exchange, int status, Object body) throws IOException {
		send(exchange, status, "application/json", json.writeValueAsBytes(body));
	}

	private void problem(HttpExchange exchange, int status, String slug, String detail) throws IOException {
		byte[] body = json.writeValueAsBytes(Map.of("type", "urn:colony:problem:" + slug, "title", slug, "status",
				status, "detail", detail));
		send(exchange, status, "application/problem+json", body);
	}

	private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
		exchange.getResponseHeaders().set("Content-Type", type);
		exchange.sendResponseHeaders(status, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	@Override
	public void close() {
		server.stop(0);
		executor.shutdownNow();
	}
}
