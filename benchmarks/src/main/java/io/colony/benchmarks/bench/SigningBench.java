package io.colony.benchmarks.bench;

import io.colony.benchmarks.cli.Args;
import io.colony.benchmarks.cli.CommandFailed;
import io.colony.contracts.AgentId;
import io.colony.contracts.AgentStep;
import io.colony.contracts.JobId;
import io.colony.contracts.TaskCompleted;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import io.colony.contracts.Usage;
import io.colony.platform.identity.AgentKeyPair;
import io.colony.platform.identity.AgentKeys;
import io.colony.platform.identity.ResultSigning;
import tools.jackson.databind.json.JsonMapper;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What signing costs a worker and verifying costs the aggregator, per result, on one thread: {@code N} distinct
 * results (a 1 KB output and three agent steps, like a typical summarizer's) are signed, then verified, after a
 * warm-up of the same work so that the JIT has compiled it. Prints one JSON line.
 */
public final class SigningBench {

	private static final int WARM_UP = 20_000;

	private SigningBench() {
	}

	public static int run(Args args, PrintStream out, PrintStream err) {
		int messages = args.integer("messages", 100_000, 1, 10_000_000);
		args.requireAllKnown();
		AgentKeyPair key = AgentKeys.generate(Instant.now());
		PublicKey publicKey = AgentKeys.publicKeyOf(key.publicKey());

		err.printf("warming up with %d results%n", WARM_UP);
		measure(results(WARM_UP), key, publicKey);
		err.printf("signing and verifying %d results on one thread%n", messages);
		List<TaskCompleted> results = results(messages);
		int canonicalBytes = ResultSigning.canonicalEncoding(results.getFirst()).length;
		long[] nanos = measure(results, key, publicKey);

		Map<String, Object> report = new LinkedHashMap<>();
		report.put("bench", "signing");
		report.put("messages", messages);
		report.put("threads", 1);
		report.put("algorithm", "Ed25519");
		report.put("canonicalBytes", canonicalBytes);
		report.put("signMicrosPerMessage", round(nanos[0] / 1_000.0 / messages));
		report.put("verifyMicrosPerMessage", round(nanos[1] / 1_000.0 / messages));
		report.put("signedPerSecond", Math.round(messages / (nanos[0] / 1e9)));
		report.put("verifiedPerSecond", Math.round(messages / (nanos[1] / 1e9)));
		report.put("jdk", Runtime.version().toString());
		out.println(JsonMapper.builder().build().writeValueAsString(report));
		return 0;
	}

	/** Nanoseconds spent signing all of {@code results}, then verifying all of them. */
	private static long[] measure(List<TaskCompleted> results, AgentKeyPair key, PublicKey publicKey) {
		List<TaskCompleted> signed = new ArrayList<>(results.size());
		long start = System.nanoTime();
		for (TaskCompleted result : results) {
			signed.add(ResultSigning.sign(result, key));
		}
		long signing = System.nanoTime() - start;
		int verified = 0;
		start = System.nanoTime();
		for (TaskCompleted result : signed) {
			if (ResultSigning.verify(result, publicKey)) {
				verified++;
			}
		}
		long verifying = System.nanoTime() - start;
		if (verified != signed.size()) {
			throw new CommandFailed((signed.size() - verified) + " of " + signed.size() + " signatures did not verify");
		}
		return new long[] { signing, verifying };
	}

	private static List<TaskCompleted> results(int count) {
		String output = "x".repeat(1024);
		JobId job = JobId.random();
		AgentId agent = AgentId.of("worker-bench");
		Instant now = Instant.now();
		List<AgentStep> steps = List.of(
				new AgentStep(1, AgentStep.LLM, "colony-simulated", 900, 120, new BigDecimal("0.000231"), 850, false, null),
				new AgentStep(2, AgentStep.TOOL, "http_fetch", 0, 0, BigDecimal.ZERO, 120, false, null),
				new AgentStep(3, AgentStep.LLM, "colony-simulated", 1400, 200, new BigDecimal("0.000365"), 910, false,
						null));
		List<TaskCompleted> results = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			results.add(new TaskCompleted(job, new TaskId(UUID.randomUUID()), TenantId.of("acme"), "input-" + i, 1,
					agent, output, new Usage(2300, 320, 2, 1, new BigDecimal("0.000596")), now.minusSeconds(2),
					now.plusNanos(i), steps));
		}
		return results;
	}

	private static double round(double value) {
		return Math.round(value * 100) / 100.0;
	}
}
