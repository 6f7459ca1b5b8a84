package io.colony.platform.it;

import io.colony.contracts.Destinations;
import io.colony.contracts.JobCancelled;
import io.colony.contracts.JobEvent;
import io.colony.contracts.JobId;
import io.colony.contracts.TenantId;
import io.colony.platform.inbox.Inbox;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.ColonyTopology;
import io.colony.platform.messaging.Headers;
import io.colony.platform.messaging.Inbound;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.Outgoing;
import io.colony.platform.messaging.PermanentFailure;
import io.colony.platform.messaging.PublishFailed;
import io.colony.platform.outbox.Outbox;
import io.colony.platform.outbox.OutboxMessage;
import io.colony.platform.testing.Await;
import io.colony.platform.testing.ColonyTestEnvironment;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@SpringBootTest(classes = PlatformIntegrationTests.App.class,
		properties = { "colony.database.schema=platform_it", "colony.messaging.delivery-limit=3" })
class PlatformIntegrationTests {

	static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry registry) {
		env.properties().forEach((key, value) -> registry.add(key, () -> value));
	}

	@AfterAll
	static void cleanUp() {
		env.close();
	}

	@SpringBootApplication
	static class App {
	}

	@Autowired
	ColonyConsumers consumers;

	@Autowired
	MessagePublisher publisher;

	@Autowired
	RabbitTemplate rabbit;

	@Autowired
	Outbox outbox;

	@Autowired
	Inbox inbox;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	MeterRegistry meters;

	@Autowired
	TransactionTemplate transactions;

	private static JobCancelled event(String reason) {
		return new JobCancelled(JobId.random(), TenantId.of("t1"), reason, Instant.now());
	}

	@Test
	void publishesWithConfirmAndConsumesWithManualAck() throws Exception {
		ColonyTopology.WorkQueue queue = ColonyTopology.agentQueue("platform-happy");
		Map<UUID, JobEvent> received = new ConcurrentHashMap<>();
		consumers.consume(queue, JobEvent.class, 100, 1, inbound -> {
			received.put(inbound.messageId(), inbound.payload());
			return CompletableFuture.completedFuture(null);
		});
		JobCancelled sent = event("happy");
		Outgoing outgoing = Outgoing.to(Destinations.TASKS, Destinations.taskRoutingKey("platform-happy"), sent)
			.withTenant(TenantId.of("t1"));
		publisher.publish(outgoing).get();
		Await.until(Duration.ofSeconds(10), "the event to be consumed", () -> received.containsKey(outgoing.messageId()));
		assertThat(received.get(outgoing.messageId())).isEqualTo(sent);
		Await.until(Duration.ofSeconds(10), "the queue to be empty and acked",
				() -> rabbit.execute(channel -> channel.queueDeclarePassive(queue.name()).getMessageCount()) == 0);
	}

	@Test
	void unroutableMessageFailsThePublish() {
		CompletableFuture<Void> publish = publisher
			.publish(Outgoing.to(Destinations.TASKS, "task.nobody-listens-here", event("lost")));
		assertThatThrownBy(publish::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(PublishFailed.class);
	}

	@Test
	void failingHandlerIsRetriedUpToTheDeliveryLimitThenDeadLetteredWithReason() throws Exception {
		ColonyTopology.WorkQueue queue = ColonyTopology.agentQueue("platform-poison");
		AtomicInteger attempts = new AtomicInteger();
		consumers.consume(queue, JobEvent.class, 10, 1, inbound -> {
			attempts.incrementAndGet();
			throw new IllegalStateException("handler exploded on attempt " + inbound.attempt());
		});
		publisher.publish(Outgoing.to(Destinations.TASKS, Destinations.taskRoutingKey("platform-poison"), event("x"))).get();
		Message dead = Await.untilValue(Duration.ofSeconds(20), "the message in the DLQ",
				() -> rabbit.receive(Destinations.deadLetterQueue(queue.name())), m -> m != null);
		assertThat(attempts.get()).isEqualTo(3);
		assertThat(dead.getMessageProperties().getHeaders().get(Headers.DEATH_REASON).toString())
			.contains("delivery 3 of 3").contains("handler exploded on attempt 3");
		assertThat(dead.getMessageProperties().getHeaders()).containsEntry(Headers.DEATH_QUEUE, queue.name());
	}

	@Test
	void undecodableAndPermanentlyFailingMessagesAreDeadLetteredAtOnce() throws Exception {
		ColonyTopology.WorkQueue queue = ColonyTopology.agentQueue("platform-garbage");
		AtomicInteger handled = new AtomicInteger();
		consumers.consume(queue, JobEvent.class, 10, 1, inbound -> {
			handled.incrementAndGet();
			throw new PermanentFailure("refusing " + ((JobCancelled) inbound.payload()).reason());
		});
		MessageProperties properties = new MessageProperties();
		properties.setMessageId(UUID.randomUUID().toString());
		properties.setContentType("application/json");
		rabbit.send(Destinations.TASKS, Destinations.taskRoutingKey("platform-garbage"),
				new Message("{not json".getBytes(StandardCharsets.UTF_8), properties));
		publisher.publish(Outgoing.to(Destinations.TASKS, Destinations.taskRoutingKey("platform-garbage"), event("bad")))
			.get();
		String dlq = Destinations.deadLetterQueue(queue.name());
		Message first = Await.untilValue(Duration.ofSeconds(20), "first dead letter", () -> rabbit.receive(dlq),
				m -> m != null);
		Message second = Await.untilValue(Duration.ofSeconds(20), "second dead letter", () -> rabbit.receive(dlq),
				m -> m != null);
		List<String> reasons = List.of(first.getMessageProperties().getHeaders().get(Headers.DEATH_REASON).toString(),
				second.getMessageProperties().getHeaders().get(Headers.DEATH_REASON).toString());
		assertThat(reasons).anySatisfy(reason -> assertThat(reason).contains("not a valid JobEvent"));
		assertThat(reasons).anySatisfy(reason -> assertThat(reason).isEqualTo("refusing bad"));
		assertThat(handled.get()).isEqualTo(1);
	}

	@Test
	void undecodableMessageOnAPrivateQueueIsDroppedNotRequeuedForEver() throws Exception {
		Declarables privateQueue = ColonyTopology.privateQueue("platform.private.",
				new ColonyTopology.Route(Destinations.EVENTS, "platform.private"));
		String queue = privateQueue.getDeclarablesByType(Queue.class).getFirst().getName();
		Set<String> handled = ConcurrentHashMap.newKeySet();
		consumers.consumePrivate(privateQueue, JobEvent.class, inbound -> {
			handled.add(((JobCancelled) inbound.payload()).reason());
			return CompletableFuture.completedFuture(null);
		});
		MessageProperties properties = new MessageProperties();
		properties.setMessageId(UUID.randomUUID().toString());
		rabbit.send(Destinations.EVENTS, "platform.private",
				new Message("{not json".getBytes(StandardCharsets.UTF_8), properties));
		publisher.publish(Outgoing.to(Destinations.EVENTS, "platform.private", event("after the garbage"))).get();

		Await.until(Duration.ofSeconds(10), "the good event handled", () -> handled.contains("after the garbage"));
		// Acknowledged means gone for good; a message requeued in a loop is never acknowledged.
		Await.until(Duration.ofSeconds(10), "both messages acknowledged", () -> {
			Counter acked = meters.find("colony.messages.consumed").tag("queue", queue).tag("outcome", "acked").counter();
			return acked != null && acked.count() == 2;
		});
		assertThat(handled).containsExactly("after the garbage");
	}

	@Test
	void outboxPublishesAfterCommitAndMarksRowsSentOnlyAfterConfirm() throws Exception {
		ColonyTopology.WorkQueue queue = ColonyTopology.agentQueue("platform-outbox");
		Set<UUID> received = ConcurrentHashMap.newKeySet();
		consumers.consume(queue, JobEvent.class, 1000, 1, inbound -> {
			received.add(inbound.messageId());
			return CompletableFuture.completedFuture(null);
		});
		List<OutboxMessage> messages = java.util.stream.IntStream.range(0, 3000)
			.mapToObj(i -> OutboxMessage.of(Destinations.TASKS, Destinations.taskRoutingKey("platform-outbox"),
					event("outbox " + i), TenantId.of("t1")))
			.toList();
		transactions.executeWithoutResult(status -> outbox.appendAll(messages));
		Await.until(Duration.ofSeconds(30), "all outbox messages consumed", () -> received.size() == 3000);
		assertThat(received).containsAll(messages.stream().map(OutboxMessage::messageId).toList());
		Await.until(Duration.ofSeconds(10), "all rows marked sent", () -> jdbc.queryForObject(
				"select count(*) from colony_outbox where sent_at is null", Integer.class) == 0);

		transactions.executeWithoutResult(status -> {
			outbox.append(OutboxMessage.of(Destinations.TASKS, Destinations.taskRoutingKey("platform-outbox"),
					event("rolled back"), null));
			status.setRollbackOnly();
		});
		assertThat(jdbc.queryForObject("select count(*) from colony_outbox", Integer.class)).isEqualTo(3000);
	}

	@Test
	void inboxClaimsEachMessageIdOnce() {
		UUID a = UUID.randomUUID();
		UUID b = UUID.randomUUID();
		Set<UUID> first = transactions.execute(status -> inbox.claim("c1", List.of(a, b, a)));
		Set<UUID> second = transactions.execute(status -> inbox.claim("c1", List.of(a, b)));
		Set<UUID> otherConsumer = transactions.execute(status -> inbox.claim("c2", List.of(a)));
		assertThat(first).containsExactlyInAnyOrder(a, b);
		assertThat(second).isEmpty();
		assertThat(otherConsumer).containsExactly(a);
	}

	@Test
	void batchConsumerIsolatesAPoisonMessageFromItsNeighbours() throws Exception {
		ColonyTopology.WorkQueue queue = ColonyTopology.agentQueue("platform-batch");
		Set<String> applied = ConcurrentHashMap.newKeySet();
		consumers.consumeBatches(queue, JobEvent.class, 50, Duration.ofMillis(50), batch -> {
			for (Inbound<JobEvent> inbound : batch) {
				String reason = ((JobCancelled) inbound.payload()).reason();
				if (reason.equals("poison")) {
					throw new PermanentFailure("poison pill");
				}
			}
			batch.forEach(inbound -> applied.add(((JobCancelled) inbound.payload()).reason()));
		});
		for (int i = 0; i < 20; i++) {
			publisher.publish(Outgoing.to(Destinations.TASKS, Destinations.taskRoutingKey("platform-batch"),
					event(i == 7 ? "poison" : "ok " + i))).get();
		}
		Await.until(Duration.ofSeconds(20), "19 good messages applied", () -> applied.size() == 19);
		Message dead = Await.untilValue(Duration.ofSeconds(20), "the poison in the DLQ",
				() -> rabbit.receive(Destinations.deadLetterQueue(queue.name())), m -> m != null);
		assertThat(dead.getMessageProperties().getHeaders().get(Headers.DEATH_REASON)).isEqualTo("poison pill");
	}
}
