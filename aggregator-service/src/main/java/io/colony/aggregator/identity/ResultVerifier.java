package io.colony.aggregator.identity;

import io.colony.contracts.AgentId;
import io.colony.contracts.ResultSignature;
import io.colony.contracts.TaskCompleted;
import io.colony.contracts.TaskFailed;
import io.colony.contracts.TaskResult;
import io.colony.contracts.UnknownTaskResult;
import io.colony.platform.identity.ResultSigning;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a result really comes from the agent it names: signed, by a key that agent announced, not
 * revoked, over exactly these values. Counts every verdict as {@code colony.aggregator.signatures} tagged with
 * its {@code outcome}.
 */
public final class ResultVerifier {

	private final boolean enabled;

	private final AgentKeyring keyring;

	private final MeterRegistry meters;

	private final Map<String, Counter> counters = new ConcurrentHashMap<>();

	ResultVerifier(boolean enabled, AgentKeyring keyring, MeterRegistry meters) {
		this.enabled = enabled;
		this.keyring = keyring;
		this.meters = meters;
	}

	/**
	 * Why {@code result} must not be recorded (for ever: dead-letter it), or empty when it may be. Always empty
	 * when {@code colony.aggregator.verify-signatures} is off.
	 *
	 * @throws RegistryUnavailable when the signing key is new to this instance and the registry cannot be asked:
	 * the result is neither accepted nor rejected, so it is redelivered
	 */
	public Optional<String> rejectionOf(TaskResult result) {
		if (!enabled) {
			return Optional.empty();
		}
		ResultSignature signature = ResultSigning.signatureOf(result);
		AgentId agentId = agentOf(result);
		if (signature == null || signature.keyId() == null || signature.value() == null) {
			return reject("unsigned", "unsigned result");
		}
		if (agentId == null) {
			return reject("unsigned", "signed result names no agent");
		}
		String key = "key " + signature.keyId() + " of agent " + agentId;
		return switch (keyring.status(agentId, signature.keyId())) {
			case AgentKeyring.Valid valid -> ResultSigning.verify(result, valid.key()) ? accept()
					: reject("bad-signature", "bad signature: does not match the result under " + key);
			case AgentKeyring.Invalid invalid when invalid == AgentKeyring.Invalid.REVOKED ->
				reject("revoked-key", "revoked key: signed with " + key + ", which was revoked");
			case AgentKeyring.Invalid invalid -> reject("unknown-key", "unknown key: signed with " + key
					+ ", which neither the agent nor the registry announced");
		};
	}

	private Optional<String> accept() {
		count("valid");
		return Optional.empty();
	}

	private Optional<String> reject(String outcome, String reason) {
		count(outcome);
		return Optional.of(reason);
	}

	private void count(String outcome) {
		counters.computeIfAbsent(outcome, tag -> Counter.builder("colony.aggregator.signatures")
			.description("task results checked against their agent's signature, by outcome")
			.tag("outcome", tag)
			.register(meters)).increment();
	}

	private static AgentId agentOf(TaskResult result) {
		return switch (result) {
			case TaskCompleted completed -> completed.agentId();
			case TaskFailed failed -> failed.agentId();
			case UnknownTaskResult unknown -> null;
		};
	}
}
