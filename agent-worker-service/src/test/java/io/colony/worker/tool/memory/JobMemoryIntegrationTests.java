package io.colony.worker.tool.memory;

import io.colony.contracts.JobId;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import io.colony.worker.tool.AgentTool;
import io.colony.worker.tool.ToolFailure;
import io.colony.worker.tool.ToolInvocation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.util.unit.DataSize;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Against the real Redis on 127.0.0.1:6379; every test uses fresh job ids and deletes what it wrote. */
class JobMemoryIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static LettuceConnectionFactory connections;

	private static ReactiveStringRedisTemplate redis;

	private final TenantId tenant = new TenantId("tenant-" + UUID.randomUUID());

	private final JobId job = JobId.random();

	private final List<String> written = new ArrayList<>();

	@BeforeAll
	static void connect() {
		connections = new LettuceConnectionFactory("127.0.0.1", 6379);
		connections.afterPropertiesSet();
		connections.start();
		redis = new ReactiveStringRedisTemplate(connections);
	}

	@AfterAll
	static void disconnect() {
		connections.destroy();
	}

	@AfterEach
	void cleanUp() {
		written.add(JobMemory.redisKey(tenant, job));
		redis.delete(written.toArray(String[]::new)).block(WAIT);
	}

	@Test
	void whatOneTaskWritesAnotherTaskOfTheJobReads() {
		JobMemory memory = memory(new JobMemoryProperties(null, null, null));
		MemoryWriteTool write = new MemoryWriteTool(memory);
		MemoryReadTool read = new MemoryReadTool(memory);

		assertThat(call(write, invocation(tenant, job, "{\"key\": \"plan\", \"value\": \"step 1: read; step 2: sum\"}")))
			.isEqualTo("stored 'plan' (25 bytes); the job's memory holds 1 key");
		assertThat(call(write, invocation(tenant, job, "{\"key\": \"findings\", \"value\": {\"count\": 3}}")))
			.isEqualTo("stored 'findings' (11 bytes); the job's memory holds 2 keys");

		ToolInvocation otherTask = invocation(tenant, job, "{\"key\": \"plan\"}");
		assertThat(call(read, otherTask)).isEqualTo("step 1: read; step 2: sum");
		assertThat(call(read, invocation(tenant, job, "{\"key\": \"findings\"}"))).isEqualTo("{\"count\":3}");
		assertThat(call(read, invocation(tenant, job, "{}"))).isEqualTo("2 keys:\nfindings\nplan");
		assertThat(call(read, invocation(tenant, job, ""))).isEqualTo("2 keys:\nfindings\nplan");
	}

	@Test
	void aWriteReplacesTheValueAndRestartsTheTtl() {
		JobMemory memory = memory(new JobMemoryProperties(Duration.ofHours(24), null, null));

		memory.write(tenant, job, "k", "first").block(WAIT);
		redis.expire(JobMemory.redisKey(tenant, job), Duration.ofMinutes(1)).block(WAIT);
		assertThat(memory.write(tenant, job, "k", "second").block(WAIT)).isEqualTo(1);

		assertThat(memory.read(tenant, job, "k").block(WAIT)).isEqualTo("second");
		assertThat(redis.getExpire(JobMemory.redisKey(tenant, job)).block(WAIT))
			.isGreaterThan(Duration.ofHours(23))
			.isLessThanOrEqualTo(Duration.ofHours(24));
	}

	@Test
	void memoryIsScopedToTheTenantAndTheJob() {
		JobMemory memory = memory(new JobMemoryProperties(null, null, null));
		TenantId otherTenant = new TenantId("tenant-" + UUID.randomUUID());
		JobId otherJob = JobId.random();
		written.add(JobMemory.redisKey(otherTenant, job));

		memory.write(tenant, job, "secret", "only for this job").block(WAIT);
		memory.write(otherTenant, job, "secret", "the other tenant's").block(WAIT);

		assertThat(JobMemory.redisKey(tenant, job)).isEqualTo("colony:job-memory:" + tenant.value() + ":" + job);
		assertThat(memory.read(tenant, job, "secret").block(WAIT)).isEqualTo("only for this job");
		assertThat(memory.read(otherTenant, job, "secret").block(WAIT)).isEqualTo("the other tenant's");
		assertThat(memory.read(tenant, otherJob, "secret").blockOptional(WAIT)).isEmpty();
		assertThat(memory.keys(tenant, otherJob).block(WAIT)).isEmpty();
	}

	@Test
	void readingAKeyNothingIsStoredUnderFailsWithTheKeysThatAre() {
		JobMemory memory = memory(new JobMemoryProperties(null, null, null));
		MemoryReadTool read = new MemoryReadTool(memory);

		assertThat(call(read, invocation(tenant, job, "{}"))).isEqualTo("the job's memory is empty");
		failure(read, invocation(tenant, job, "{\"key\": \"plan\"}"),
				"nothing is stored under 'plan'; the job's memory is empty");

		memory.write(tenant, job, "notes", "x").block(WAIT);
		failure(read, invocation(tenant, job, "{\"key\": \"plan\"}"), "nothing is stored under 'plan'; keys: notes");
	}

	@Test
	void aValueLargerThanTheLimitIsRefused() {
		JobMemory memory = memory(new JobMemoryProperties(null, DataSize.ofKilobytes(1), null));
		MemoryWriteTool write = new MemoryWriteTool(memory);

		assertThat(call(write, invocation(tenant, job, "{\"key\": \"k\", \"value\": \"" + "x".repeat(1024) + "\"}")))
			.startsWith("stored 'k' (1024 bytes)");
		failure(write, invocation(tenant, job, "{\"key\": \"k\", \"value\": \"" + "é".repeat(513) + "\"}"),
				"the value for 'k' is 1026 bytes, larger than the limit of 1KB");
		assertThat(memory.read(tenant, job, "k").block(WAIT)).hasSize(1024);
	}

	@Test
	void aFullMemoryRefusesNewKeysButTakesNewValuesOfOldOnes() {
		JobMemory memory = memory(new JobMemoryProperties(null, null, 2));

		memory.write(tenant, job, "a", "1").block(WAIT);
		memory.write(tenant, job, "b", "2").block(WAIT);

		assertThatThrownBy(() -> memory.write(tenant, job, "c", "3").block(WAIT)).isInstanceOf(ToolFailure.class)
			.hasMessage("the job's memory already holds the maximum of 2 keys; overwrite an existing key instead");
		assertThat(memory.write(tenant, job, "a", "1 again").block(WAIT)).isEqualTo(2);
		assertThat(memory.keys(tenant, job).block(WAIT)).containsExactly("a", "b");
	}

	@Test
	void concurrentWritersTogetherStayWithinTheKeyLimit() {
		JobMemory memory = memory(new JobMemoryProperties(null, null, 5));

		List<Boolean> outcomes = Flux.range(0, 40)
			.flatMap(i -> memory.write(tenant, job, "key-" + i, "v").map(keys -> true)
				.onErrorResume(ToolFailure.class, full -> Mono.just(false)), 40)
			.collectList()
			.block(WAIT);

		assertThat(outcomes).filteredOn(stored -> stored).hasSize(5);
		assertThat(memory.keys(tenant, job).block(WAIT)).hasSize(5);
	}

	@Test
	void badArgumentsAndKeysFailWithWhatIsWrong() {
		JobMemory memory = memory(new JobMemoryProperties(null, null, null));
		MemoryWriteTool write = new MemoryWriteTool(memory);
		MemoryReadTool read = new MemoryReadTool(memory);

		failure(write, invocation(tenant, job, "{\"key\": \"k\", "), "arguments are not valid JSON: ");
		failure(write, invocation(tenant, job, "{\"value\": \"v\"}"), "argument 'key' is required");
		failure(write, invocation(tenant, job, "{\"key\": \"k\"}"), "argument 'value' is required");
		failure(write, invocation(tenant, job, "{\"key\": \"a\\nb\", \"value\": \"v\"}"),
				"the key must not contain control characters");
		failure(write, invocation(tenant, job, "{\"key\": \"" + "k".repeat(201) + "\", \"value\": \"v\"}"),
				"the key is 201 characters long; the limit is 200");
		failure(read, invocation(tenant, job, "{\"key\": 7}"), "argument 'key' must be a string, not a number");
		assertThat(memory.keys(tenant, job).block(WAIT)).isEmpty();
	}

	@Test
	void anUnreachableRedisIsAFailureTheModelCanRead() throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			closedPort = socket.getLocalPort();
		}
		LettuceConnectionFactory nowhere = new LettuceConnectionFactory("127.0.0.1", closedPort);
		nowhere.afterPropertiesSet();
		nowhere.start();
		try {
			JobMemory memory = new JobMemory(new ReactiveStringRedisTemplate(nowhere), new JobMemoryProperties(null, null, null));

			failure(new MemoryWriteTool(memory), invocation(tenant, job, "{\"key\": \"k\", \"value\": \"v\"}"),
					"the job's shared memory is unavailable right now; try again later");
			failure(new MemoryReadTool(memory), invocation(tenant, job, "{}"),
					"the job's shared memory is unavailable right now");
		}
		finally {
			nowhere.destroy();
		}
	}

	@Test
	void theToolsDescribeTheirLimits() {
		MemoryWriteTool write = new MemoryWriteTool(memory(new JobMemoryProperties(null, null, null)));

		assertThat(write.name()).isEqualTo("memory_write");
		assertThat(write.description()).contains("Values up to 64KB, at most 1000 keys per job");
		assertThat(new MemoryReadTool(memory(new JobMemoryProperties(null, null, null))).name()).isEqualTo("memory_read");
	}

	private static JobMemory memory(JobMemoryProperties properties) {
		return new JobMemory(redis, properties);
	}

	private static String call(AgentTool tool, ToolInvocation invocation) {
		return tool.call(invocation).block(WAIT);
	}

	private static void failure(AgentTool tool, ToolInvocation invocation, String message) {
		assertThatThrownBy(() -> tool.call(invocation).block(WAIT)).isInstanceOf(ToolFailure.class)
			.hasMessageContaining(message);
	}

	private static ToolInvocation invocation(TenantId tenant, JobId job, String arguments) {
		return new ToolInvocation(job, TaskId.random(), tenant, 1, 1, arguments);
	}
}
