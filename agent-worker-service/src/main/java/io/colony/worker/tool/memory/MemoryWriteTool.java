package io.colony.worker.tool.memory;

import io.colony.worker.tool.AgentTool;
import io.colony.worker.tool.ToolArguments;
import io.colony.worker.tool.ToolInvocation;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;

/** {@code memory_write}: stores a value in the memory every task of the calling task's job can read. */
public final class MemoryWriteTool implements AgentTool {

	public static final String NAME = "memory_write";

	private static final String INPUT_SCHEMA = """
			{"type":"object","properties":{\
			"key":{"type":"string","description":"name to store the value under"},\
			"value":{"description":"the text (or any JSON value) to store"}},\
			"required":["key","value"],"additionalProperties":false}""";

	private final JobMemory memory;

	public MemoryWriteTool(JobMemory memory) {
		this.memory = memory;
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public String description() {
		JobMemoryProperties limits = memory.properties();
		return "Stores a value under a key in the memory shared by all tasks of this job, so that other agents of "
				+ "the job can read it with memory_read. Replaces an earlier value of the key. Values up to "
				+ limits.maxValueSize().toKilobytes() + "KB, at most " + limits.maxKeys() + " keys per job.";
	}

	@Override
	public String inputSchema() {
		return INPUT_SCHEMA;
	}

	/** A non-string {@code value} is stored as its JSON text. */
	@Override
	public Mono<String> call(ToolInvocation invocation) {
		return Mono.defer(() -> {
			ToolArguments arguments = ToolArguments.parse(invocation.arguments());
			String key = arguments.requiredText("key");
			String value = arguments.requiredAnyAsText("value");
			return memory.write(invocation.tenant(), invocation.jobId(), key, value)
				.map(keys -> "stored '" + key + "' (" + value.getBytes(StandardCharsets.UTF_8).length
						+ " bytes); the job's memory holds " + keys + (keys == 1 ? " key" : " keys"));
		});
	}
}
