package io.colony.gateway.job;

import java.math.BigDecimal;
import java.util.List;

/**
 * The public body of {@code POST /api/v1/jobs}, exactly as clients send it. Values stay strings here so that
 * a bad {@code priority} or {@code deadline} gets a message naming the field and the accepted values rather
 * than a parser error; {@link JobRequestParser} turns it into a {@code JobSpec}.
 */
record JobRequest(String pattern, String agent, String instruction, List<Input> inputs, ReduceBlock reduce,
		String priority, Limits limits, String model, String whenNoAgent) {

	record Input(String id, String content) {
	}

	record ReduceBlock(String strategy) {
	}

	record Limits(String deadline, Integer maxAttempts, Long maxTokens, BigDecimal maxCostUsd) {
	}
}
