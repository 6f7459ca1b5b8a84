package io.colony.gateway.fleet;

import io.colony.contracts.TenantId;
import io.colony.gateway.fleet.FleetSnapshot.Approvals;
import io.colony.gateway.fleet.FleetSnapshot.PendingApproval;
import io.colony.platform.messaging.MessageCodec;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The caller tenant's credential requests waiting for a person, from the credential service's operator API
 * ({@code GET /api/v1/credentials/requests?status=PENDING}). That API checks the caller's own token for
 * {@code credentials:approve} and scopes the answer to its tenant, so the operator's token is forwarded, and only
 * when it has that scope: the gateway never asks on anyone's behalf.
 */
final class PendingApprovals {

	static final String SOURCE = "credential service";

	static final String SCOPE = "credentials:approve";

	/** The most the credential service lists in one answer; a full page means there may be more. */
	static final int LIMIT = 500;

	/** How many of the longest-waiting requests the view lists. */
	static final int OLDEST = 5;

	private final WebClient client;

	private final URI pending;

	private final MessageCodec codec;

	PendingApprovals(WebClient client, URI credentialsUrl, MessageCodec codec) {
		this.client = client;
		this.pending = credentialsUrl.resolve("/api/v1/credentials/requests?status=PENDING&limit=" + LIMIT);
		this.codec = codec;
	}

	static Approvals omitted() {
		return Approvals.omitted("needs a token with scope " + SCOPE + " (of the tenant whose requests to show)");
	}

	/** @param bearerToken the caller's own token, which has {@link #SCOPE} */
	Mono<Approvals> read(TenantId tenant, String bearerToken) {
		return client.get()
			.uri(pending)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + bearerToken)
			.accept(MediaType.APPLICATION_JSON)
			.retrieve()
			.bodyToMono(byte[].class)
			.map(body -> approvals(tenant, codec.decode(body, Page.class)));
	}

	static Approvals approvals(TenantId tenant, Page page) {
		List<PendingApproval> requests = page.requests().stream().filter(Objects::nonNull).toList();
		List<PendingApproval> oldest = requests.stream()
			.sorted(Comparator.comparing(PendingApproval::requestedAt, Comparator.nullsLast(Comparator.<Instant>naturalOrder())))
			.limit(OLDEST)
			.toList();
		return new Approvals(Availability.AVAILABLE, null, tenant, requests.size(), requests.size() >= LIMIT, oldest);
	}

	/** The credential service's listing; only the members the view shows are read. */
	record Page(List<PendingApproval> requests) {

		Page {
			requests = requests == null ? List.of() : requests;
		}
	}
}
