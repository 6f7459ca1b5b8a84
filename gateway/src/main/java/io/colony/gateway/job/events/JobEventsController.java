package io.colony.gateway.job.events;

import io.colony.contracts.Destinations;
import io.colony.contracts.JobCompleted;
import io.colony.contracts.JobEvent;
import io.colony.contracts.JobId;
import io.colony.contracts.JobProgressed;
import io.colony.contracts.JobView;
import io.colony.contracts.TaskCounts;
import io.colony.contracts.TenantId;
import io.colony.contracts.Usage;
import io.colony.gateway.job.JobNotFound;
import io.colony.gateway.job.OrchestratorJobs;
import io.colony.gateway.security.Tenants;
import io.colony.platform.messaging.MessageCodec;
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

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code GET /api/v1/jobs/{jobId}/events}: a job's lifecycle as Server-Sent Events. The stream starts with the
 * job's current state (a {@code job.progress} snapshot, or the single {@code job.completed} of a finished
 * job), continues with live events (event name = routing key, data = the event as JSON, id = position in this
 * stream) and ends after {@code job.completed}. An unknown job, or one of another tenant, is a 404 problem
 * before the stream starts.
 */
@RestController
class JobEventsController {

	private final JobEventHub hub;

	private final OrchestratorJobs jobs;

	private final MessageCodec codec;

	private final JobEventsProperties properties;

	private final Clock clock = Clock.systemUTC();

	JobEventsController(JobEventHub hub, OrchestratorJobs jobs, MessageCodec codec, JobEventsProperties properties) {
		this.hub = hub;
		this.jobs = jobs;
		this.codec = codec;
		this.properties = properties;
	}

	@GetMapping(path = "/api/v1/jobs/{jobId}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Mono<ResponseEntity<Flux<ServerSentEvent<String>>>> events(@PathVariable String jobId,
			@AuthenticationPrincipal Jwt jwt) {
		JobId id = JobNotFound.parse(jobId);
		TenantId tenant = Tenants.of(jwt);
		return Mono.defer(() -> {
			JobEventHub.Subscription live = hub.subscribe(id, tenant);
			return jobs.find(id, tenant)
				.map(view -> ResponseEntity.ok()
					.header("X-Accel-Buffering", "no")
					.body(stream(view, tenant, live)))
				.doOnError(error -> live.close())
				.doOnCancel(live::close);
		});
	}

	private Flux<ServerSentEvent<String>> stream(JobView view, TenantId tenant, JobEventHub.Subscription live) {
		AtomicLong sequence = new AtomicLong();
		if (view.status().isTerminal()) {
			live.close();
			return Flux.just(toSse(completedFrom(view, tenant), sequence.incrementAndGet()));
		}
		Flux<ServerSentEvent<String>> events = Flux
			.concat(Mono.just(progressFrom(view, tenant)), live.events())
			.map(event -> toSse(event, sequence.incrementAndGet()));
		Flux<ServerSentEvent<String>> heartbeats = Flux.interval(properties.heartbeat(), properties.heartbeat())
			.map(tick -> ServerSentEvent.<String>builder().comment("heartbeat").build());
		return Flux.merge(events, heartbeats)
			.takeUntil(sse -> Destinations.JOB_COMPLETED.equals(sse.event()))
			.doFinally(signal -> live.close());
	}

	private ServerSentEvent<String> toSse(JobEvent event, long sequence) {
		return ServerSentEvent.<String>builder()
			.id(Long.toString(sequence))
			.event(event.routingKey())
			.data(new String(codec.encode(event), StandardCharsets.UTF_8))
			.build();
	}

	private JobProgressed progressFrom(JobView view, TenantId tenant) {
		return new JobProgressed(view.jobId(), tenant, tasksOf(view), clock.instant(), view.usage());
	}

	private JobCompleted completedFrom(JobView view, TenantId tenant) {
		Instant completedAt = view.completedAt() == null ? clock.instant() : view.completedAt();
		return new JobCompleted(view.jobId(), tenant, view.status(), tasksOf(view),
				view.usage() == null ? Usage.NONE : view.usage(), view.result(), completedAt);
	}

	private static TaskCounts tasksOf(JobView view) {
		return view.tasks() == null ? TaskCounts.of(0, 0, 0) : view.tasks();
	}
}
