package io.colony.orchestrator.deadletter;

import io.colony.platform.messaging.Headers;
import io.colony.platform.messaging.MessageCodec;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class IncomingDeadLetterTests {

	private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

	private final MessageCodec codec = new MessageCodec();

	@Test
	void aColonyConsumersDeadLetterSaysWhyWhereAndAfterHowManyDeliveries() {
		UUID job = UUID.randomUUID();
		MessageProperties properties = new MessageProperties();
		properties.setMessageId("m-1");
		properties.setType("TaskAssigned");
		properties.setHeader(Headers.TENANT, "acme");
		properties.setHeader(Headers.DEATH_REASON, "failed on delivery 5 of 5: boom");
		properties.setHeader(Headers.DEATH_QUEUE, "agent.summarizer");
		properties.setHeader(Headers.DEATH_DELIVERIES, 5);
		properties.setHeader(Headers.DEATH_AT, "2026-11-21T11:59:00Z");

		IncomingDeadLetter letter = parse(properties, "{\"type\":\"TaskAssigned\",\"jobId\":\"" + job + "\"}",
				"agent.summarizer.dlq", 1024);

		assertThat(letter.queue()).isEqualTo("agent.summarizer");
		assertThat(letter.reason()).isEqualTo("failed on delivery 5 of 5: boom");
		assertThat(letter.deliveries()).isEqualTo(5);
		assertThat(letter.deadLetteredAt()).isEqualTo(Instant.parse("2026-11-21T11:59:00Z"));
		assertThat(letter.jobId()).isEqualTo(job);
		assertThat(letter.tenant()).isEqualTo("acme");
		assertThat(letter.type()).isEqualTo("TaskAssigned");
		assertThat(letter.messageId()).isEqualTo("m-1");
		assertThat(letter.bodyStored()).isTrue();
	}

	@Test
	void aBrokerDeadLetterIsReadFromItsLatestXDeathEntry() {
		MessageProperties properties = new MessageProperties();
		properties.setHeader("x-death", List.of(
				Map.of("queue", "orchestrator.results", "reason", "delivery_limit", "count", 1L, "exchange",
						"colony.results", "routing-keys", List.of("result.failed.summarizer"), "time",
						Date.from(Instant.parse("2026-11-21T11:58:00Z"))),
				Map.of("queue", "older", "reason", "rejected", "count", 3L)));
		properties.setHeader(Headers.DELIVERY_COUNT, 5L);

		IncomingDeadLetter letter = parse(properties, "not json", "orchestrator.results.dlq", 1024);

		assertThat(letter.queue()).isEqualTo("orchestrator.results");
		assertThat(letter.reason()).isEqualTo("delivery_limit");
		assertThat(letter.deliveries()).as("x-delivery-count counts the deliveries before the last").isEqualTo(6);
		assertThat(letter.originalExchange()).isEqualTo("colony.results");
		assertThat(letter.originalRoutingKey()).isEqualTo("result.failed.summarizer");
		assertThat(letter.deadLetteredAt()).isEqualTo(Instant.parse("2026-11-21T11:58:00Z"));
		assertThat(letter.jobId()).isNull();
		assertThat(letter.tenant()).isNull();
		assertThat(letter.messageId()).as("no message id: the body's digest").startsWith("sha256:").hasSize(71);
		assertThat(letter.headers().get("x-death")).asList().hasSize(2);
	}

	@Test
	void withoutAnyDeathHeaderTheQueueComesFromTheDeadLetterQueuesNameAndABigBodyIsNotKept() {
		MessageProperties properties = new MessageProperties();
		properties.setMessageId("m-2");
		properties.setHeader("jobId", "not-a-uuid");

		IncomingDeadLetter letter = parse(properties, "x".repeat(2000), "agent.translator.dlq", 1024);

		assertThat(letter.queue()).isEqualTo("agent.translator");
		assertThat(letter.reason()).isEqualTo("unknown");
		assertThat(letter.deliveries()).isEqualTo(1);
		assertThat(letter.deadLetteredAt()).isEqualTo(NOW);
		assertThat(letter.jobId()).isNull();
		assertThat(letter.bodyStored()).isFalse();
		assertThat(letter.bodySize()).isEqualTo(2000);
	}

	@Test
	void thePreviewIsCutAt4KbWithoutSplittingACharacter() {
		byte[] ascii = "a".repeat(5000).getBytes(StandardCharsets.UTF_8);
		assertThat(DeadLetterStore.preview(ascii)).hasSize(DeadLetterStore.PREVIEW_BYTES);

		// 4095 ASCII bytes then a 3-byte character straddling the cut: it is left out whole
		byte[] straddling = ("a".repeat(4095) + "€€").getBytes(StandardCharsets.UTF_8);
		assertThat(DeadLetterStore.preview(straddling)).isEqualTo("a".repeat(4095));

		assertThat(DeadLetterStore.preview(new byte[] { (byte) 0xff, 'o', 'k' })).isEqualTo("\uFFFDok");
	}

	private IncomingDeadLetter parse(MessageProperties properties, String body, String deadLetterQueue, int maxBody) {
		return IncomingDeadLetter.of(new Message(body.getBytes(StandardCharsets.UTF_8), properties), deadLetterQueue,
				maxBody, codec.mapper(), NOW);
	}
}
