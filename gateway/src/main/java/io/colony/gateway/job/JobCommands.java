package io.colony.gateway.job;

import io.colony.contracts.ColonyCommand;
import io.colony.contracts.CommandRejected;
import io.colony.contracts.CommandReply;
import io.colony.contracts.TenantId;
import io.colony.gateway.problem.ProblemException;
import io.colony.gateway.ratelimit.RateLimitProperties;
import io.colony.gateway.ratelimit.TenantRateLimiter;
import io.colony.platform.messaging.CommandClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.amqp.AmqpException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Sends job commands to the orchestrator over RabbitMQ and waits for the reply without holding a thread.
 * Handing the message to the client may touch the broker connection, so that part runs off the event loop.
 */
@Component
class JobCommands {

	static final String RETRY_AFTER_SECONDS = "5";

	private final ObjectProvider<CommandClient> client;

	private final String activeJobsRetryAfter;

	private final MeterRegistry meters;

	JobCommands(ObjectProvider<CommandClient> client, RateLimitProperties limits, MeterRegistry meters) {
		this.client = client;
		this.activeJobsRetryAfter = Long.toString(limits.activeJobsRetryAfter().toSeconds());
		this.meters = meters;
	}

	Mono<CommandReply> send(String routingKey, ColonyCommand command) {
		return Mono.fromCallable(() -> client.getObject().send(routingKey, command))
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap(Mono::fromFuture)
			.onErrorMap(JobCommands::unanswered);
	}

	/**
	 * The problem a refusal maps onto; its slug, status, title and detail are the orchestrator's. A 429 (the
	 * tenant's concurrent-job quota, {@code too-many-active-jobs}) gets {@code Retry-After}
	 * ({@code colony.gateway.limits.active-jobs-retry-after}: nobody knows when one of its jobs ends) and is
	 * counted in {@code colony.gateway.rate.limited} with {@code budget} = the problem's slug.
	 */
	ProblemException rejected(CommandRejected rejected, TenantId tenant) {
		int status = rejected.status() >= 400 && rejected.status() <= 599 ? rejected.status() : 400;
		String problem = rejected.problem() == null || rejected.problem().isBlank() ? "rejected" : rejected.problem();
		String title = rejected.title() == null ? "Command rejected" : rejected.title();
		ProblemException exception = new ProblemException(HttpStatusCode.valueOf(status), problem, title,
				rejected.detail());
		if (status == HttpStatus.TOO_MANY_REQUESTS.value()) {
			TenantRateLimiter.countRefusal(meters, tenant, problem);
			exception.header(HttpHeaders.RETRY_AFTER, activeJobsRetryAfter);
		}
		return exception;
	}

	static ProblemException unexpected(CommandReply reply) {
		return new ProblemException(HttpStatus.BAD_GATEWAY, "unexpected-reply",
				"the orchestrator answered with " + reply.getClass().getSimpleName());
	}

	private static Throwable unanswered(Throwable error) {
		for (Throwable current = error; current != null; current = current.getCause()) {
			if (current instanceof CommandClient.CommandUnanswered || current instanceof AmqpException) {
				return new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "orchestrator-unavailable",
						"the orchestrator did not answer in time; the command may or may not have taken effect. "
								+ "Retry (with the same Idempotency-Key for a submission)")
					.header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
			}
		}
		return error;
	}
}
