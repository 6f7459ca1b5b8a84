package io.colony.orchestrator.job;

import io.colony.contracts.CancelJob;
import io.colony.contracts.ColonyCommand;
import io.colony.contracts.CommandReply;
import io.colony.contracts.Destinations;
import io.colony.contracts.SubmitJob;
import io.colony.contracts.UnknownCommand;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.ColonyTopology;
import io.colony.platform.messaging.Inbound;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.observability.TraceCarrier;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Consumes {@code orchestrator.commands} and answers each command on its {@code reply-to}. A command is
 * acknowledged only once its effect is committed and its reply confirmed; if anything before that fails it
 * is redelivered, and the idempotent handlers answer the redelivery the same way.
 *
 * <p>Commands run on virtual threads, so a slow registry lookup or a large job does not hold up the
 * consumer's other in-flight commands.
 */
@Component
class OrchestratorCommands implements InitializingBean, DisposableBean {

	private final ColonyConsumers consumers;

	private final MessagePublisher publisher;

	private final JobSubmissions submissions;

	private final JobCancellations cancellations;

	private final JobProperties properties;

	private final TraceCarrier traceCarrier;

	private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

	OrchestratorCommands(ColonyConsumers consumers, MessagePublisher publisher, JobSubmissions submissions,
			JobCancellations cancellations, JobProperties properties, TraceCarrier traceCarrier) {
		this.traceCarrier = traceCarrier;
		this.consumers = consumers;
		this.publisher = publisher;
		this.submissions = submissions;
		this.cancellations = cancellations;
		this.properties = properties;
	}

	@Override
	public void afterPropertiesSet() {
		consumers.consume(ColonyTopology.serviceQueue(Destinations.ORCHESTRATOR_COMMANDS_QUEUE), ColonyCommand.class,
				properties.commandPrefetch(), properties.commandConsumers(), this::answerCommand);
	}

	private CompletionStage<?> answerCommand(Inbound<ColonyCommand> inbound) {
		// The command runs on another thread than the consumer's span: continue the sender's trace there, so
		// that the outbox rows it writes carry it on to the tasks.
		return CompletableFuture
			.supplyAsync(() -> traceCarrier.inChildSpan(inbound.traceHeaders(), "decide " + inbound.payload()
				.getClass()
				.getSimpleName(), () -> decide(inbound.payload())), executor)
			.thenCompose(reply -> publisher.reply(inbound, reply));
	}

	private CommandReply decide(ColonyCommand command) {
		return switch (command) {
			case SubmitJob submit -> submissions.submit(submit);
			case CancelJob cancel -> cancellations.cancel(cancel);
			case UnknownCommand unknown -> Rejections.unknownCommand(unknown.type());
		};
	}

	@Override
	public void destroy() {
		executor.shutdown();
	}
}
