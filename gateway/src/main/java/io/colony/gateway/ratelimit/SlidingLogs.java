package io.colony.gateway.ratelimit;

import reactor.core.publisher.Mono;

/**
 * Sliding logs of admitted requests, one per key: a request is admitted when fewer than {@code limit} requests
 * were admitted under its key in the window before {@code now}, and is then logged at {@code now}. Unlike a fixed
 * window or a token bucket, no window of that length ever holds more than {@code limit} admissions, so a tenant
 * cannot double its rate across a window boundary. Refused requests are not logged: a client that keeps retrying
 * does not push its own next slot further away.
 */
interface SlidingLogs {

	/**
	 * @param nowMicros the deciding gateway's clock, in microseconds since the epoch
	 * @return admitted, or refused with the time until the oldest logged request that has to leave does
	 */
	Mono<Admission> tryAdmit(String key, int limit, long nowMicros);
}
