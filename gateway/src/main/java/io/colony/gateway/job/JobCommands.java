package io.colony.gateway.job;

import io.colony.contracts.ColonyCommand;
import io.colony.contracts.CommandRejected;
import io.colony.contracts.CommandReply;
import io.colony.gateway.problem.ProblemException;
import io.colony.platform.messaging.CommandClient;
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

	JobCommands(ObjectProvider<CommandClient> client) {
		this.client = client;
	}

	Mono<CommandReply> send(String routingKey, ColonyCommand command) {
		return Mono.fromCallable(() -> client.getObject().send(routingKey, command))
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap(Mono::fromFuture)
			.onErrorMap(JobCommands::unanswered);
	}

	/** The problem a refusal maps onto; its slug, status, title and detail are the orchestrator's. */
	static ProblemException rejected(CommandRejected rejected) {
		int status = rejected.status() >= 400 && rejected.status() <= 599 ? rejected.status() : 400;
		String problem = rejected.problem() == null || rejected.problem().isBlank() ? "rejected" : rejected.problem();
		String title = rejected.title() == null ? "Command rejected" : rejected.title();
		return new ProblemException(HttpStatusCode.valueOf(status), problem, title, rejected.detail());
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
