package io.colony.worker.llm.pressure;

import org.springframework.data.redis.core.script.RedisScript;

import java.util.List;

/**
 * The Lua scripts behind {@link FleetRateLimiter}. Each runs atomically in Redis and reads Redis' own clock
 * ({@code TIME}, allowed in scripts since Redis 5 with effect replication, the only mode of Redis 7), so
 * workers with skewed clocks still share one window. Times are microseconds.
 * <p>
 * Keys of one provider share the hash tag {@code {provider}} so that they live in one Redis Cluster slot:
 * <ol>
 * <li>{@code colony:ratelimit:{p}:rpm}: sorted set, one member per granted request, scored by grant time;</li>
 * <li>{@code colony:ratelimit:{p}:tpm}: sorted set, one member per token charge, scored by grant time;</li>
 * <li>{@code colony:ratelimit:{p}:tpm:charges}: hash, tokens per charge, plus {@code #total}, their sum;</li>
 * <li>{@code colony:ratelimit:{p}:paused-until}: a Retry-After pause shared by the fleet.</li>
 * </ol>
 * A sliding log, not a token bucket: it guarantees that no window of the configured length holds more grants
 * than the limit, which is what a provider's per-minute limit counts.
 */
final class RateLimitScripts {

	private RateLimitScripts() {
	}

	static List<String> keys(String provider) {
		String base = "colony:ratelimit:{" + provider + "}:";
		return List.of(base + "rpm", base + "tpm", base + "tpm:charges", base + "paused-until");
	}

	private static final String CLOCK = """
			local clock = redis.call('TIME')
			local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
			""";

	/**
	 * Grants the leading candidates that fit, in order, and stops at the first that does not. ARGV: window,
	 * request limit (-1: none), token limit (-1: none), key expiry in ms, then pairs of id and tokens. Returns
	 * {granted, microseconds until the first refused one could fit (0 when all were granted), now}.
	 */
	@SuppressWarnings("rawtypes")
	static final RedisScript<List> ACQUIRE = RedisScript.of(CLOCK + """
			local window = tonumber(ARGV[1])
			local max_requests = tonumber(ARGV[2])
			local max_tokens = tonumber(ARGV[3])
			local expire_ms = tonumber(ARGV[4])
			local horizon = now - window

			-- drops the charges that left the window and returns the sum of those still in it
			local function trim_tokens()
			  while true do
			    local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', horizon, 'LIMIT', 0, 500)
			    if #expired == 0 then break end
			    local amounts = redis.call('HMGET', KEYS[3], unpack(expired))
			    local sum = 0
			    for i = 1, #expired do sum = sum + tonumber(amounts[i] or '0') end
			    redis.call('HDEL', KEYS[3], unpack(expired))
			    redis.call('ZREM', KEYS[2], unpack(expired))
			    redis.call('HINCRBY', KEYS[3], '#total', -sum)
			  end
			  return math.max(0, tonumber(redis.call('HGET', KEYS[3], '#total') or '0'))
			end

			-- when enough of the oldest charges will have left the window to free `need` tokens
			local function tokens_free_at(need)
			  local freed = 0
			  local offset = 0
			  while true do
			    local entries = redis.call('ZRANGE', KEYS[2], offset, offset + 99, 'WITHSCORES')
			    if #entries == 0 then return now + window end
			    local ids = {}
			    for i = 1, #entries, 2 do ids[#ids + 1] = entries[i] end
			    local amounts = redis.call('HMGET', KEYS[3], unpack(ids))
			    for i = 1, #ids do
			      freed = freed + tonumber(amounts[i] or '0')
			      if freed >= need then return tonumber(entries[2 * i]) + window end
			    end
			    offset = offset + 100
			  end
			end

			if max_requests >= 0 then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', horizon) end
			local total = 0
			if max_tokens >= 0 then total = trim_tokens() end
			local paused_until = tonumber(redis.call('GET', KEYS[4]) or '0')
			if paused_until > now then return {0, paused_until - now, now} end
			local requests = 0
			if max_requests >= 0 then requests = redis.call('ZCARD', KEYS[1]) end

			local granted = 0
			local charged = 0
			local wait = 0
			for i = 5, #ARGV, 2 do
			  local id = ARGV[i]
			  local tokens = tonumber(ARGV[i + 1])
			  if max_requests >= 0 and requests >= max_requests then
			    local rank = requests - max_requests
			    local oldest = redis.call('ZRANGE', KEYS[1], rank, rank, 'WITHSCORES')
			    wait = tonumber(oldest[2]) + window - now
			    break
			  end
			  if max_tokens >= 0 and total + tokens > max_tokens then
			    wait = tokens_free_at(total + tokens - max_tokens) - now
			    break
			  end
			  if max_requests >= 0 then
			    redis.call('ZADD', KEYS[1], now, id)
			    requests = requests + 1
			  end
			  if max_tokens >= 0 then
			    redis.call('ZADD', KEYS[2], now, id)
			    redis.call('HSET', KEYS[3], id, tokens)
			    total = total + tokens
			    charged = charged + tokens
			  end
			  granted = granted + 1
			end
			if granted > 0 then
			  if max_requests >= 0 then redis.call('PEXPIRE', KEYS[1], expire_ms) end
			  if max_tokens >= 0 then
			    redis.call('HINCRBY', KEYS[3], '#total', charged)
			    redis.call('PEXPIRE', KEYS[2], expire_ms)
			    redis.call('PEXPIRE', KEYS[3], expire_ms)
			  end
			end
			return {granted, wait, now}
			""", List.class);

	/**
	 * After a call's answer: stamps its request again with the time now, so that the window counts it from when
	 * the provider had surely seen it (a request reaches the provider some time after its grant, and a window
	 * counted from grants alone lets the provider see more than the limit when early requests arrive late); and
	 * corrects its token charge to what the call used. While the grant is in the window its charge is replaced;
	 * after that, only a surplus over the estimate is charged, now, since the provider counts output tokens as it
	 * produces them. ARGV: window, id, estimated tokens, actual tokens, key expiry in ms.
	 */
	static final RedisScript<Long> SETTLE = RedisScript.of(CLOCK + """
			local window = tonumber(ARGV[1])
			local id = ARGV[2]
			local estimate = tonumber(ARGV[3])
			local actual = tonumber(ARGV[4])
			local expire_ms = tonumber(ARGV[5])
			if redis.call('ZADD', KEYS[1], 'XX', 'CH', now, id) == 1 then
			  redis.call('PEXPIRE', KEYS[1], expire_ms)
			end
			if actual < 0 then return 0 end
			local score = redis.call('ZSCORE', KEYS[2], id)
			local charged = redis.call('HGET', KEYS[3], id)
			if score and charged and tonumber(score) > now - window then
			  redis.call('HSET', KEYS[3], id, actual)
			  redis.call('HINCRBY', KEYS[3], '#total', actual - tonumber(charged))
			  return 1
			end
			if actual > estimate then
			  local late = id .. ':late'
			  redis.call('ZADD', KEYS[2], now, late)
			  redis.call('HSET', KEYS[3], late, actual - estimate)
			  redis.call('HINCRBY', KEYS[3], '#total', actual - estimate)
			  redis.call('PEXPIRE', KEYS[2], expire_ms)
			  redis.call('PEXPIRE', KEYS[3], expire_ms)
			end
			return 0
			""", Long.class);

	/** Takes back a grant whose call was never sent: its request and its tokens. ARGV: id. */
	static final RedisScript<Long> RELEASE = RedisScript.of("""
			local id = ARGV[1]
			local removed = redis.call('ZREM', KEYS[1], id)
			local charged = redis.call('HGET', KEYS[3], id)
			if charged then
			  redis.call('ZREM', KEYS[2], id)
			  redis.call('HDEL', KEYS[3], id)
			  redis.call('HINCRBY', KEYS[3], '#total', -tonumber(charged))
			end
			return removed
			""", Long.class);

	/**
	 * Pauses the provider for the fleet, extending but never shortening a pause. ARGV: pause in microseconds, key
	 * expiry in ms. Returns when the pause ends.
	 */
	static final RedisScript<Long> PAUSE = RedisScript.of(CLOCK + """
			local resume_at = now + tonumber(ARGV[1])
			local current = tonumber(redis.call('GET', KEYS[4]) or '0')
			if resume_at > current then
			  redis.call('SET', KEYS[4], string.format('%.0f', resume_at), 'PX', tonumber(ARGV[2]))
			  return resume_at
			end
			return current
			""", Long.class);
}
