package io.colony.worker.tool.memory;

import io.colony.worker.tool.AgentTool;
import io.colony.worker.tool.ToolArguments;
import io.colony.worker.tool.ToolFailure;
import io.colony.worker.tool.ToolInvocation;
import reactor.core.publisher.Mono;

import java.util.List;

/**
 * {@code memory_read}: the value of a key in the memory the calling task's job shares, or, without a key (or a
 * blank one), the keys set so far.
 */
public final class MemoryReadTool implements AgentTool {

	public static final String NAME = "memory_read";

	private static final String INPUT_SCHEMA = """
			{"type":"object","properties":{\
			"key":{"type":"string","description":"the key to read; leave out to list the keys"}},\
			"additionalProperties":false}""";

	private final JobMemory memory;

	public MemoryReadTool(JobMemory memory) {
		this.memory = memory;
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public String description() {
		return "Reads the value stored under a key in the memory shared by all tasks of this job (see memory_write). "
				+ "Without a key, lists the keys stored so far.";
	}

	@Override
	public String inputSchema() {
		return INPUT_SCHEMA;
	}

	/** The value itself is the result, so that the model reads exactly what was stored. */
	@Override
	public Mono<String> call(ToolInvocation invocation) {
		return Mono.defer(() -> {
			String key = ToolArguments.parse(invocation.arguments()).optionalText("key");
			if (key == null || key.isBlank()) {
				return memory.keys(invocation.tenant(), invocation.jobId()).map(MemoryReadTool::listing);
			}
			return memory.read(invocation.tenant(), invocation.jobId(), key)
				.switchIfEmpty(memory.keys(invocation.tenant(), invocation.jobId())
					.flatMap(keys -> Mono.error(new ToolFailure("nothing is stored under '" + key + "'; "
							+ (keys.isEmpty() ? "the job's memory is empty" : "keys: " + String.join(", ", keys))))));
		});
	}

	private static String listing(List<String> keys) {
		return keys.isEmpty() ? "the job's memory is empty"
				: keys.size() + (keys.size() == 1 ? " key:\n" : " keys:\n") + String.join("\n", keys);
	}
}
