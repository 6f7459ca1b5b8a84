package io.colony.credentials.approval;

import java.time.Duration;

/** An approver asked for a longer ttl than policy allows the request's scope. */
public class TtlTooLong extends RuntimeException {

	TtlTooLong(Duration ttl, Duration max) {
		super("ttl " + ttl + " is longer than policy allows for this request, " + max);
	}
}
