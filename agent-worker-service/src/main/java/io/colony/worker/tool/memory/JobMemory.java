package io.colony.worker.tool.memory;

import io.colony.contracts.JobId;
import io.colony.contracts.TenantId;
import io.colony.worker.tool.ToolFailure;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The memory the tasks of one job share, on any worker: one Redis hash per job,
 * {@code colony:job-memory:<tenant>:<jobId>}, that expires {@code ttl} after its last write.
 *
 * <p>The tenant is part of the key, so that a job id, even guessed, never reaches another tenant's memory.
 * Writes are last-writer-wins per key. The key limit is checked and the value stored in one script, so
 * that concurrent writers on many workers cannot together exceed it.
 *
 * <p>Limits and bad keys fail with a {@link ToolFailure} the model can read; Redis failures too, without
 * Redis' own message.
 */
public final class JobMemory {

	static final String KEY_PREFIX = "colony:job-memory:";

	static final int MAX_KEY_LENGTH = 200;

	/** Returns the number of keys after the write, or -1 when the hash is full and the key is new. */
	private static final RedisScript<Long> WRITE = RedisScript.of("""
			if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
			  return -1
			end
			redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
			redis.call('PEXPIRE', KEYS[1], ARGV[4])
			return redis.call('HLEN', KEYS[1])
			""", Long.class);

	private final ReactiveStringRedisTemplate redis;

	private final JobMemoryProperties properties;

	public JobMemory(ReactiveStringRedisTemplate redis, JobMemoryProperties properties) {
		this.redis = redis;
		this.properties = properties;
	}

	JobMemoryProperties properties() {
		return properties;
	}

	/**
	 * Stores {@code value} under {@code key}, replacing what was there, and restarts the job memory's TTL.
	 * @return how many keys the job's memory holds afterwards
	 */
	public Mono<Long> write(TenantId tenant, JobId job, String key, String value) {
		return Mono.defer(() -> {
			checkKey(key);
			int size = value.getBytes(StandardCharsets.UTF_8).length;
			if (size > properties.maxValueSize().toBytes()) {
				return Mono.error(new ToolFailure("the value for '" + key + "' is " + size + " bytes, larger than the limit of "
						+ describe(properties.maxValueSize().toBytes())));
			}
			return redis
				.execute(WRITE, List.of(redisKey(tenant, job)),
						List.of(key, value, String.valueOf(properties.maxKeys()), String.valueOf(properties.ttl().toMillis())))
				.next()
				.onErrorMap(JobMemory::unavailable)
				.flatMap(keys -> keys < 0
						? Mono.error(new ToolFailure("the job's memory already holds the maximum of " + properties.maxKeys()
								+ " keys; overwrite an existing key instead"))
						: Mono.just(keys));
		});
	}

	/** @return the value, or empty when the key is not set */
	public Mono<String> read(TenantId tenant, JobId job, String key) {
		return Mono.defer(() -> {
			checkKey(key);
			return redis.<String, String>opsForHash().get(redisKey(tenant, job), key).onErrorMap(JobMemory::unavailable);
		});
	}

	/** @return the keys set in the job's memory, sorted */
	public Mono<List<String>> keys(TenantId tenant, JobId job) {
		return redis.<String, String>opsForHash()
			.keys(redisKey(tenant, job))
			.sort()
			.collectList()
			.onErrorMap(JobMemory::unavailable);
	}

	/** Drops the job's memory at once, e.g. when the job is over, instead of waiting for its TTL. */
	public Mono<Boolean> forget(TenantId tenant, JobId job) {
		return redis.delete(redisKey(tenant, job)).map(deleted -> deleted > 0).onErrorMap(JobMemory::unavailable);
	}

	static String redisKey(TenantId tenant, JobId job) {
		return KEY_PREFIX + tenant.value() + ":" + job;
	}

	private static void checkKey(String key) {
		if (key == null || key.isBlank()) {
			throw new ToolFailure("the key must not be blank");
		}
		if (key.length() > MAX_KEY_LENGTH) {
			throw new ToolFailure("the key is " + key.length() + " characters long; the limit is " + MAX_KEY_LENGTH);
		}
		if (key.chars().anyMatch(Character::isISOControl)) {
			throw new ToolFailure("the key must not contain control characters such as line breaks");
		}
	}

	private static String describe(long bytes) {
		return bytes % 1024 == 0 ? (bytes / 1024) + "KB" : bytes + " bytes";
	}

	private static Throwable unavailable(Throwable error) {
		return error instanceof ToolFailure ? error
				: new ToolFailure("the job's shared memory is unavailable right now; try again later", error);
	}
}
