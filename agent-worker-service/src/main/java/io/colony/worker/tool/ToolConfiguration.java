package io.colony.worker.tool;

import io.colony.worker.completion.CompletionListener;
import io.colony.worker.tool.http.HttpFetchProperties;
import io.colony.worker.tool.http.HttpFetchTool;
import io.colony.worker.tool.mcp.McpServersProperties;
import io.colony.worker.tool.mcp.McpTools;
import io.colony.worker.tool.memory.JobMemory;
import io.colony.worker.tool.memory.JobMemoryProperties;
import io.colony.worker.tool.memory.MemoryReadTool;
import io.colony.worker.tool.memory.MemoryWriteTool;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The built-in tools ({@code http_fetch}, {@code memory_read}, {@code memory_write}; {@code spawn_subtasks}
 * lives with its feature) and the MCP servers' tools. Every MCP server configured is started with the worker;
 * one that fails to start fails the start-up, naming it.
 */
@Configuration(proxyBeanMethods = false)
class ToolConfiguration {

	@Bean
	HttpFetchTool httpFetchTool(HttpFetchProperties properties, ObjectProvider<WebClient.Builder> webClients) {
		return new HttpFetchTool(properties, webClients.getIfAvailable(WebClient::builder));
	}

	@Bean
	JobMemory jobMemory(ReactiveStringRedisTemplate redis, JobMemoryProperties properties) {
		return new JobMemory(redis, properties);
	}

	/** A job's shared memory goes when its job ends, not only when its TTL runs out. */
	@Bean
	CompletionListener forgetMemoryOfCompletedJobs(JobMemory memory) {
		return completed -> memory.forget(completed.tenant(), completed.jobId()).subscribe(ignored -> {
		}, error -> {
		});
	}

	@Bean
	MemoryWriteTool memoryWriteTool(JobMemory memory) {
		return new MemoryWriteTool(memory);
	}

	@Bean
	MemoryReadTool memoryReadTool(JobMemory memory) {
		return new MemoryReadTool(memory);
	}

	@Bean(destroyMethod = "close")
	McpTools mcpTools(McpServersProperties properties) {
		return McpTools.start(properties);
	}
}
