package io.colony.platform.identity;

import io.colony.contracts.AgentId;
import io.colony.contracts.AgentKey;
import io.colony.contracts.AgentStep;
import io.colony.contracts.JobId;
import io.colony.contracts.ResultSignature;
import io.colony.contracts.TaskCompleted;
import io.colony.contracts.TaskFailed;
import io.colony.contracts.TaskId;
import io.colony.contracts.TaskResult;
import io.colony.contracts.TenantId;
import io.colony.contracts.UnknownTaskResult;
import io.colony.contracts.Usage;
import io.colony.platform.messaging.MessageCodec;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

class ResultSigningTests {

	private static final Instant STARTED = Instant.parse("2026-03-01T10:00:00.123456789Z");

	private final AgentKeyPair key = AgentKeys.generate(Instant.now());

	private final MessageCodec codec = new MessageCodec();

	@Test
	void aSignedResultVerifiesAgainstItsPublicKeyAndSurvivesTheWire() {
		TaskCompleted signed = ResultSigning.sign(completed(), key);

		assertThat(signed.signature().keyId()).isEqualTo(key.keyId());
		assertThat(ResultSigning.verify(signed, key.publicKey())).isTrue();
		TaskResult decoded = codec.decode(codec.encode(signed), TaskResult.class);
		assertThat(ResultSigning.verify(decoded, key.publicKey())).isTrue();

		TaskFailed failed = ResultSigning.sign(failed(), key);
		assertThat(ResultSigning.verify(codec.decode(codec.encode(failed), TaskResult.class), key.publicKey()))
			.isTrue();
	}

	@Test
	void changingAnyFieldBreaksTheSignature() {
		TaskCompleted signed = ResultSigning.sign(completed(), key);
		Map<String, UnaryOperator<TaskCompleted>> tampering = Map.ofEntries(
				Map.entry("jobId", r -> copy(r, JobId.random(), r.taskId(), r.tenant(), r.output(), r.attempt(), r.usage(), r.steps(), r.completedAt(), r.agentId(), r.inputId())),
				Map.entry("taskId", r -> copy(r, r.jobId(), new TaskId(UUID.randomUUID()), r.tenant(), r.output(), r.attempt(), r.usage(), r.steps(), r.completedAt(), r.agentId(), r.inputId())),
				Map.entry("tenant", r -> copy(r, r.jobId(), r.taskId(), TenantId.of("evil"), r.output(), r.attempt(), r.usage(), r.steps(), r.completedAt(), r.agentId(), r.inputId())),
				Map.entry("output", r -> copy(r, r.jobId(), r.taskId(), r.tenant(), r.output() + ".", r.attempt(), r.usage(), r.steps(), r.completedAt(), r.agentId(), r.inputId())),
				Map.entry("attempt", r -> copy(r, r.jobId(), r.taskId(), r.tenant(), r.output(), r.attempt() + 1, r.usage(), r.steps(), r.completedAt(), r.agentId(), r.inputId())),
				Map.entry("usage.costUsd", r -> copy(r, r.jobId(), r.taskId(), r.tenant(), r.output(), r.attempt(), new Usage(120, 30, 2, 1, new BigDecimal("0.00000046")), r.steps(), r.completedAt(), r.agentId(), r.inputId())),
				Map.entry("usage.tokens", r -> copy(r, r.jobId(), r.taskId(), r.tenant(), r.output(), r.attempt(), new Usage(12, 30, 2, 1, new BigDecimal("0.00000045")), r.steps(), r.completedAt(), r.agentId(), r.inputId())),
				Map.entry("steps", r -> copy(r, r.jobId(), r.taskId(), r.tenant(), r.output(), r.attempt(), r.usage(), List.of(), r.completedAt(), r.agentId(), r.inputId())),
				Map.entry("completedAt", r -> copy(r, r.jobId(), r.taskId(), r.tenant(), r.output(), r.attempt(), r.usage(), r.steps(), r.completedAt().plusNanos(1), r.agentId(), r.inputId())),
				Map.entry("agentId", r -> copy(r, r.jobId(), r.taskId(), r.tenant(), r.output(), r.attempt(), r.usage(), r.steps(), r.completedAt(), AgentId.of("agent-other"), r.inputId())),
				Map.entry("inputId", r -> copy(r, r.jobId(), r.taskId(), r.tenant(), r.output(), r.attempt(), r.usage(), r.steps(), r.completedAt(), r.agentId(), "input-2")));

		assertThat(ResultSigning.verify(copy(signed, signed.jobId(), signed.taskId(), signed.tenant(), signed.output(),
				signed.attempt(), signed.usage(), signed.steps(), signed.completedAt(), signed.agentId(),
				signed.inputId()), key.publicKey())).as("an untouched copy").isTrue();
		tampering.forEach((field, tamper) -> assertThat(ResultSigning.verify(tamper.apply(signed), key.publicKey()))
			.as("tampered " + field)
			.isFalse());

		TaskFailed failed = ResultSigning.sign(failed(), key);
		TaskFailed notRetryable = new TaskFailed(failed.jobId(), failed.taskId(), failed.tenant(), failed.inputId(),
				failed.attempt(), failed.agentId(), failed.reason(), !failed.retryable(), failed.finalAttempt(),
				failed.failedAt(), failed.usage(), failed.steps(), failed.signature());
		assertThat(ResultSigning.verify(notRetryable, key.publicKey())).isFalse();
	}

	@Test
	void missingWrongAndForeignSignaturesDoNotVerify() {
		TaskCompleted unsigned = completed();
		TaskCompleted signed = ResultSigning.sign(unsigned, key);
		AgentKeyPair other = AgentKeys.generate(Instant.now());

		assertThat(ResultSigning.verify(unsigned, key.publicKey())).isFalse();
		assertThat(ResultSigning.verify(signed, other.publicKey())).as("another key id").isFalse();
		AgentKey otherKeyUnderThisId = new AgentKey(key.keyId(), AgentKey.ED25519, other.publicKey().publicKey(),
				Instant.now(), null);
		assertThat(ResultSigning.verify(signed, otherKeyUnderThisId)).as("another key under this id").isFalse();
		assertThat(ResultSigning.verify(unsigned.withSignature(new ResultSignature(key.keyId(), "not base64!")),
				key.publicKey())).isFalse();
		assertThat(ResultSigning.verify(unsigned.withSignature(new ResultSignature(key.keyId(), "AAAA")),
				key.publicKey())).isFalse();
		assertThat(ResultSigning.verify(new UnknownTaskResult("TaskSkipped"), key.publicKey())).isFalse();
	}

	@Test
	void theCanonicalEncodingIsSortedCompactAndIndependentOfTheReceivedFieldOrder() {
		TaskCompleted signed = ResultSigning.sign(completed(), key);
		String canonical = new String(ResultSigning.canonicalEncoding(signed), StandardCharsets.UTF_8);

		assertThat(canonical).startsWith("{\"type\":\"TaskCompleted\",\"agentId\":\"agent-7\",\"attempt\":2,")
			.contains("\"signature\":null")
			.contains("\"startedAt\":\"2026-03-01T10:00:00.123456789Z\"")
			.contains("\"costUsd\":0.00000045")
			.doesNotContain(", ", ": ", "\n", "E-7");
		assertThat(canonical.indexOf("\"completedAt\"")).isLessThan(canonical.indexOf("\"inputId\""));
		assertThat(canonical.indexOf("\"inputId\"")).isLessThan(canonical.indexOf("\"jobId\""));

		// the same result as another producer might lay it out: reversed field order, whitespace, exponents
		String reordered = """
				{ "signature": {"value": "%s", "keyId": "%s"},
				  "steps": [{"error": null, "cached": false, "latencyMs": 40, "costUsd": 4.5E-7, "completionTokens": 30,
				             "promptTokens": 120, "name": "gpt", "kind": "llm", "number": 1}],
				  "completedAt": "2026-03-01T10:00:01Z", "startedAt": "2026-03-01T10:00:00.123456789Z",
				  "usage": {"costUsd": 4.5E-7, "toolCalls": 1, "llmCalls": 2, "completionTokens": 30, "promptTokens": 120},
				  "output": "a summary ✓", "agentId": "agent-7", "attempt": 2, "inputId": "input-1",
				  "tenant": "acme", "taskId": "%s", "jobId": "%s", "type": "TaskCompleted" }
				""".formatted(signed.signature().value(), signed.signature().keyId(), signed.taskId(), signed.jobId());
		TaskResult decoded = codec.decode(reordered.getBytes(StandardCharsets.UTF_8), TaskResult.class);

		assertThat(new String(ResultSigning.canonicalEncoding(decoded), StandardCharsets.UTF_8)).isEqualTo(canonical);
		assertThat(ResultSigning.verify(decoded, key.publicKey())).isTrue();
	}

	@Test
	void signingIsSafeFromManyThreads() throws Exception {
		List<TaskCompleted> signed = java.util.stream.IntStream.range(0, 200)
			.parallel()
			.mapToObj(i -> ResultSigning.sign(completed(), key))
			.toList();
		assertThat(signed.parallelStream().allMatch(result -> ResultSigning.verify(result, key.publicKey()))).isTrue();
	}

	private static TaskCompleted completed() {
		return new TaskCompleted(JobId.random(), new TaskId(UUID.randomUUID()), TenantId.of("acme"), "input-1", 2,
				AgentId.of("agent-7"), "a summary ✓", new Usage(120, 30, 2, 1, new BigDecimal("0.00000045")), STARTED,
				Instant.parse("2026-03-01T10:00:01Z"),
				List.of(new AgentStep(1, AgentStep.LLM, "gpt", 120, 30, new BigDecimal("4.5E-7"), 40, false, null)));
	}

	private static TaskFailed failed() {
		return new TaskFailed(JobId.random(), new TaskId(UUID.randomUUID()), TenantId.of("acme"), "input-1", 1,
				AgentId.of("agent-7"), "tool failed", true, false, STARTED, new Usage(10, 0, 1), List.of());
	}

	private static TaskCompleted copy(TaskCompleted r, JobId jobId, TaskId taskId, TenantId tenant, String output,
			int attempt, Usage usage, List<AgentStep> steps, Instant completedAt, AgentId agentId, String inputId) {
		return new TaskCompleted(jobId, taskId, tenant, inputId, attempt, agentId, output, usage, r.startedAt(),
				completedAt, steps, r.signature());
	}
}
