package io.colony.gateway.resident;

import io.colony.contracts.ResidentEvent;
import io.colony.contracts.ResidentId;
import io.colony.contracts.TenantId;
import io.colony.gateway.security.Tenants;
import io.colony.gateway.upstream.Upstream;
import io.colony.platform.messaging.MessageCodec;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Resident agents' replies as Server-Sent Events (event name = routing key, e.g. {@code resident.replied}; data = the
 * event as JSON; id = position in this stream), live only:
 * <ul>
 * <li>{@code GET /api/v1/agents/{id}/events}: one agent's; an unknown agent, or one of another tenant, is the
 * resident service's 404 before the stream starts;</li>
 * <li>{@code GET /api/v1/agents/events}: every agent's of the token's tenant (what a benchmark or a dashboard
 * follows).</li>
 * </ul>
 * A stream opens with a {@code :subscribed} comment (send messages once it is there, and nothing is missed), carries a
 * comment heartbeat, and ends when the token expires or when it cannot keep up (its buffer is full).
 */
@RestController
class ResidentEventsController {

	private final ResidentEventHub hub;

	private final Upstream residents;

	private final MessageCodec codec;

	private final ResidentApiProperties properties;

	private final Clock clock = Clock.systemUTC();

	ResidentEventsController(ResidentEventHub hub, @Qualifier("residentsUpstream") Upstream residents,
			MessageCodec codec, ResidentApiProperties properties) {
		this.hub = hub;
		this.residents = residents;
		this.codec = codec;
		this.properties = properties;
	}

	@GetMapping(path = ResidentsController.BASE + "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	ResponseEntity<Flux<ServerSentEvent<String>>> tenantEvents(@AuthenticationPrincipal Jwt jwt) {
		TenantId tenant = Tenants.of(jwt);
		return streaming(Flux.defer(() -> stream(hub.subscribe(tenant, null), jwt)));
	}

	@GetMapping(path = ResidentsController.BASE + "/{agentId}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Mono<ResponseEntity<Flux<ServerSentEvent<String>>>> agentEvents(@PathVariable String agentId,
			@AuthenticationPrincipal Jwt jwt) {
		ResidentId id = ResidentsController.agentId(agentId);
		TenantId tenant = Tenants.of(jwt);
		return Mono.defer(() -> {
			ResidentEventHub.Subscription live = hub.subscribe(tenant, id);
			return residents.client()
				.get()
				.uri(ResidentsController.INTERNAL + "/{id}", id.value())
				.header(Upstream.TENANT_HEADER, tenant.value())
				.accept(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON)
				.retrieve()
				.onStatus(HttpStatusCode::isError, residents::failure)
				.toBodilessEntity()
				.onErrorMap(residents::unavailable)
				.map(found -> streaming(stream(live, jwt)))
				.doOnError(error -> live.close())
				.doOnCancel(live::close);
		});
	}

	private static ResponseEntity<Flux<ServerSentEvent<String>>> streaming(Flux<ServerSentEvent<String>> stream) {
		return ResponseEntity.ok().header("X-Accel-Buffering", "no").body(stream);
	}

	private Flux<ServerSentEvent<String>> stream(ResidentEventHub.Subscription live, Jwt jwt) {
		AtomicLong sequence = new AtomicLong();
		AtomicBoolean tokenExpired = new AtomicBoolean();
		// the hub ends a subscription that cannot keep up: then the heartbeats stop too, and the stream ends
		Sinks.One<Boolean> liveEnded = Sinks.one();
		Flux<ServerSentEvent<String>> events = live.events()
			.doOnComplete(() -> liveEnded.tryEmitValue(true))
			.map(event -> toSse(event, sequence.incrementAndGet()));
		Flux<ServerSentEvent<String>> heartbeats = Flux.interval(properties.heartbeat(), properties.heartbeat())
			.map(tick -> comment("heartbeat"))
			.takeUntilOther(liveEnded.asMono());
		Mono<Long> expiry = tokenExpiry(jwt).doOnNext(fired -> tokenExpired.set(true));
		return Flux.concat(Mono.just(comment("subscribed")), Flux.merge(events, heartbeats).takeUntilOther(expiry))
			.concatWith(Mono.fromSupplier(() -> comment("token expired")).filter(ended -> tokenExpired.get()))
			.doFinally(signal -> live.close());
	}

	private Mono<Long> tokenExpiry(Jwt jwt) {
		Instant expiresAt = jwt.getExpiresAt();
		if (expiresAt == null) {
			return Mono.never();
		}
		Duration left = Duration.between(clock.instant(), expiresAt);
		return Mono.delay(left.isNegative() ? Duration.ZERO : left);
	}

	private ServerSentEvent<String> toSse(ResidentEvent event, long sequence) {
		return ServerSentEvent.<String>builder()
			.id(Long.toString(sequence))
			.event(event.routingKey())
			.data(new String(codec.encode(event), StandardCharsets.UTF_8))
			.build();
	}

	private static ServerSentEvent<String> comment(String text) {
		return ServerSentEvent.<String>builder().comment(text).build();
	}
}
