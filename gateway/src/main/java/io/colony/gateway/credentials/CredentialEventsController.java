package io.colony.gateway.credentials;

import io.colony.contracts.CredentialEvent;
import io.colony.contracts.TenantId;
import io.colony.gateway.security.Tenants;
import io.colony.platform.messaging.MessageCodec;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
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
 * {@code GET /api/v1/credentials/events}: the token's tenant's {@code credential.approval.requested},
 * {@code credential.decided} and {@code credential.revoked} events as Server-Sent Events (event name = routing
 * key, data = the event as JSON, id = position in this stream), live only: a client loads the current requests
 * and leases over the API once the stream is open, and again after every reconnect.
 *
 * <p>The stream opens with a comment (so that the response starts at once), carries a comment heartbeat, and
 * ends when the token expires: a stream never outlives the authority that opened it.
 */
@RestController
class CredentialEventsController {

	private final CredentialEventHub hub;

	private final MessageCodec codec;

	private final CredentialsProperties properties;

	private final Clock clock = Clock.systemUTC();

	CredentialEventsController(CredentialEventHub hub, MessageCodec codec, CredentialsProperties properties) {
		this.hub = hub;
		this.codec = codec;
		this.properties = properties;
	}

	@GetMapping(path = "/api/v1/credentials/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	ResponseEntity<Flux<ServerSentEvent<String>>> events(@AuthenticationPrincipal Jwt jwt) {
		TenantId tenant = Tenants.of(jwt);
		Flux<ServerSentEvent<String>> stream = Flux.defer(() -> {
			CredentialEventHub.Subscription live = hub.subscribe(tenant);
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
		});
		return ResponseEntity.ok().header("X-Accel-Buffering", "no").body(stream);
	}

	private Mono<Long> tokenExpiry(Jwt jwt) {
		Instant expiresAt = jwt.getExpiresAt();
		if (expiresAt == null) {
			return Mono.never();
		}
		Duration left = Duration.between(clock.instant(), expiresAt);
		return Mono.delay(left.isNegative() ? Duration.ZERO : left);
	}

	private ServerSentEvent<String> toSse(CredentialEvent event, long sequence) {
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
