package io.colony.worker.credentials;

import io.colony.contracts.AgentId;
import io.colony.contracts.AgentSignature;
import io.colony.contracts.CredentialClaim;
import io.colony.contracts.CredentialRequest;
import io.colony.contracts.CredentialRequestAnswer;
import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.IssuedCredential;
import io.colony.contracts.LeaseId;
import io.colony.contracts.LeaseRenewal;
import io.colony.contracts.SignedCredentialClaim;
import io.colony.contracts.SignedCredentialRequest;
import io.colony.contracts.SignedLeaseRenewal;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The credential service's agent API, as this worker calls it: every message signed afresh with this worker's key
 * (a new nonce and {@code signedAt} each time, so a retry is never a replay) and non-blocking throughout.
 * Problems come back as {@link CredentialFailure}s named for what went wrong.
 *
 * <p>A call that could not reach the service or met a 5xx is retried twice on a short back-off: requests are
 * idempotent by request id (the same request asked again answers its current state), claims hand out the same
 * lease again, renewals only move the expiry within the lease's limit.
 */
public final class CredentialBroker {

	/** Signs a payload's canonical encoding with this worker's current key, once that key may sign. */
	@FunctionalInterface
	public interface Signer {

		Mono<AgentSignature> sign(Object payload);
	}

	private static final String PROBLEM_PREFIX = "urn:colony:problem:";

	private static final int MAX_DETAIL = 300;

	private static final JsonMapper JSON = JsonMapper.shared();

	private final WebClient client;

	private final AgentId agentId;

	private final Signer signer;

	private final Clock clock;

	private final Duration timeout;

	private final Retry transientRetry;

	/**
	 * @param client a client whose base URL is the credential service's
	 * @param timeout the longest one HTTP call may take
	 */
	public CredentialBroker(WebClient client, AgentId agentId, Signer signer, Clock clock, Duration timeout) {
		this(client, agentId, signer, clock, timeout, Duration.ofMillis(200));
	}

	CredentialBroker(WebClient client, AgentId agentId, Signer signer, Clock clock, Duration timeout,
			Duration firstBackoff) {
		this.client = client;
		this.agentId = agentId;
		this.signer = signer;
		this.clock = clock;
		this.timeout = timeout;
		this.transientRetry = Retry.backoff(2, firstBackoff)
			.filter(CredentialServiceUnavailable.class::isInstance)
			.onRetryExhaustedThrow((spec, signal) -> signal.failure());
	}

	/** Asks for {@code need} under {@code requestId}; asking again with the same id answers the request's state. */
	public Mono<CredentialRequestAnswer> request(CredentialRequestId requestId, CredentialNeed need) {
		return send("/api/v1/credentials/requests", signedAt -> {
			CredentialRequest request = new CredentialRequest(requestId, agentId, need.tenant(), need.jobId(),
					need.taskId(), need.resource(), need.scope(), need.ttl(), need.justification(), nonce(), signedAt);
			return signer.sign(request).map(signature -> new SignedCredentialRequest(request, signature));
		}, CredentialRequestAnswer.class, "request");
	}

	/** Collects the credential of a granted request. */
	public Mono<IssuedCredential> claim(CredentialRequestId requestId) {
		return send("/api/v1/credentials/requests/" + requestId + "/claim", signedAt -> {
			CredentialClaim claim = new CredentialClaim(requestId, agentId, nonce(), signedAt);
			return signer.sign(claim).map(signature -> new SignedCredentialClaim(claim, signature));
		}, IssuedCredential.class, "claim");
	}

	/**
	 * A fresh token for the lease; fails with {@link MaxLifetimeReached} when the lease is at its limit and
	 * {@link LeaseEnded} when it was revoked or has expired.
	 */
	public Mono<IssuedCredential> renew(LeaseId leaseId) {
		return send("/api/v1/credentials/leases/" + leaseId + "/renew", signedAt -> {
			LeaseRenewal renewal = new LeaseRenewal(leaseId, agentId, nonce(), signedAt);
			return signer.sign(renewal).map(signature -> new SignedLeaseRenewal(renewal, signature));
		}, IssuedCredential.class, "renewal");
	}

	private <T> Mono<T> send(String path, Function<Instant, Mono<?>> signedBody, Class<T> answer, String what) {
		return Mono.defer(() -> signedBody.apply(clock.instant().truncatedTo(ChronoUnit.MILLIS)))
			.flatMap(body -> client.post()
				.uri(path)
				.contentType(MediaType.APPLICATION_JSON)
				.accept(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON)
				.bodyValue(body)
				.exchangeToMono(response -> read(response, answer, what))
				.timeout(timeout))
			.onErrorMap(error -> !(error instanceof CredentialFailure), error -> unreachable(error, what))
			.retryWhen(transientRetry);
	}

	private <T> Mono<T> read(ClientResponse response, Class<T> answer, String what) {
		int status = response.statusCode().value();
		if (response.statusCode().is2xxSuccessful()) {
			return response.bodyToMono(answer)
				.switchIfEmpty(Mono.error(() -> new CredentialServiceUnavailable("an empty answer to the " + what)));
		}
		return response.bodyToMono(String.class)
			.defaultIfEmpty("")
			.flatMap(body -> Mono.error(problem(status, body, what)));
	}

	/** Maps an RFC 9457 problem of the service to the failure it means; the detail is the service's, cut short. */
	static CredentialFailure problem(int status, String body, String what) {
		String slug = "";
		String detail = null;
		try {
			JsonNode problem = body.isBlank() ? null : JSON.readTree(body);
			if (problem != null && problem.isObject()) {
				String type = problem.path("type").asString("");
				slug = type.startsWith(PROBLEM_PREFIX) ? type.substring(PROBLEM_PREFIX.length()) : "";
				detail = problem.path("detail").asString(null);
			}
		}
		catch (JacksonException notJson) {
			// not a problem document: the status alone says what happened
		}
		if (detail != null && detail.length() > MAX_DETAIL) {
			detail = detail.substring(0, MAX_DETAIL) + " …";
		}
		if (status == 410 || "lease-ended".equals(slug)) {
			return new LeaseEnded(detail);
		}
		if ("max-lifetime-reached".equals(slug)) {
			return new MaxLifetimeReached(detail);
		}
		if (status >= 500 || status == 429) {
			return new CredentialServiceUnavailable("the " + what + " failed with " + status
					+ (slug.isEmpty() ? "" : " " + slug));
		}
		return new CredentialRequestRejected(status, slug.isEmpty() ? "unexpected-answer" : slug, detail);
	}

	/** Never the exception's message: only what kind of failure it was. */
	private CredentialServiceUnavailable unreachable(Throwable error, String what) {
		if (error instanceof TimeoutException) {
			return new CredentialServiceUnavailable("no answer to the " + what + " within " + timeout);
		}
		Throwable root = error;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return new CredentialServiceUnavailable("the " + what + " could not be sent ("
				+ root.getClass().getSimpleName() + ")");
	}

	private static String nonce() {
		return UUID.randomUUID().toString();
	}
}
