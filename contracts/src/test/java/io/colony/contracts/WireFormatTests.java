package io.colony.contracts;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The wire format as consumers see it: discriminators, bare ids, forward compatibility. */
class WireFormatTests {

	final JsonMapper mapper = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

	@Test
	void taskMessagesRoundTripWithTheirDiscriminatorAndBareIds() {
		TaskAssigned assigned = new TaskAssigned(JobId.random(), TaskId.random(), TenantId.of("acme"), "summarizer",
				"summarizer", 2, 3, "Summarise", new JobInput("doc-1", "text"), Priority.HIGH,
				Instant.parse("2026-11-21T10:00:00Z"), Instant.parse("2026-11-21T09:00:00Z"));
		String json = mapper.writeValueAsString(assigned);
		assertThat(json).contains("\"type\":\"TaskAssigned\"")
			.contains("\"jobId\":\"" + assigned.jobId() + "\"")
			.contains("\"tenant\":\"acme\"")
			.contains("\"priority\":\"high\"");
		assertThat(mapper.readValue(json, TaskMessage.class)).isEqualTo(assigned);
	}

	@Test
	void unknownTypeDecodesToTheFallbackInsteadOfFailing() {
		TaskResult result = mapper.readValue("{\"type\":\"TaskExploded\",\"jobId\":\"x\",\"extra\":1}", TaskResult.class);
		assertThat(result).isInstanceOf(UnknownTaskResult.class);
		assertThat(((UnknownTaskResult) result).type()).isEqualTo("TaskExploded");
		JobEvent event = mapper.readValue("{\"type\":\"JobTeleported\",\"jobId\":\"" + JobId.random()
				+ "\",\"tenant\":\"t\"}", JobEvent.class);
		assertThat(event).isInstanceOf(UnknownJobEvent.class);
	}

	@Test
	void newerProducersMayAddFields() {
		JobId jobId = JobId.random();
		String json = "{\"type\":\"JobCancelled\",\"jobId\":\"" + jobId
				+ "\",\"tenant\":\"t\",\"reason\":\"r\",\"at\":\"2026-11-21T09:00:00Z\",\"addedLater\":{\"x\":1}}";
		assertThat(mapper.readValue(json, JobEvent.class))
			.isEqualTo(new JobCancelled(jobId, TenantId.of("t"), "r", Instant.parse("2026-11-21T09:00:00Z")));
	}

	@Test
	void jobSpecSelectsItsShapeByPatternAndFillsDefaults() {
		SubmitJob submit = new SubmitJob(JobId.random(), TenantId.of("t"), "key", "abc",
				new ScatterGather("summarizer", "Summarise", List.of(new JobInput("a", "x")), null, null,
						new JobLimits(Duration.ofMinutes(5), 2)),
				Instant.parse("2026-11-21T09:00:00Z"));
		String json = mapper.writeValueAsString(submit);
		assertThat(json).contains("\"pattern\":\"scatter-gather\"");
		ColonyCommand decoded = mapper.readValue(json, ColonyCommand.class);
		assertThat(decoded).isEqualTo(submit);
		ScatterGather spec = (ScatterGather) ((SubmitJob) decoded).spec();
		assertThat(spec.priority()).isEqualTo(Priority.NORMAL);
		assertThat(spec.reduce().strategy()).isEqualTo(ReduceStrategy.COLLECT);
		assertThat(spec.limits().deadline()).isEqualTo(Duration.ofMinutes(5));
	}

	@Test
	void idsRejectMalformedValues() {
		assertThatThrownBy(() -> JobId.parse("not-a-uuid")).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> TenantId.of(" ")).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> Priority.fromWireName("urgent")).hasMessageContaining("low, normal, high");
	}

	@Test
	void resultRoutingKeysSeparateCompletedFromFailed() {
		TaskCompleted completed = new TaskCompleted(JobId.random(), TaskId.random(), TenantId.of("t"), "a", 1,
				AgentId.of("w1"), "out", Usage.NONE, Instant.now(), Instant.now());
		TaskFailed failed = new TaskFailed(JobId.random(), TaskId.random(), TenantId.of("t"), "a", 3, AgentId.of("w1"),
				"boom", true, true, Instant.now());
		assertThat(Destinations.resultRoutingKey(completed, "summarizer")).isEqualTo("result.completed.summarizer");
		assertThat(Destinations.resultRoutingKey(failed, "summarizer")).isEqualTo("result.failed.summarizer");
		assertThat(failed.isFinal()).isTrue();
		assertThat(Destinations.isValidCapability("summarizer")).isTrue();
		assertThat(Destinations.isValidCapability("Bad.Capability")).isFalse();
	}
}
