package io.colony.credentials.signature;

import java.time.Duration;
import java.time.Instant;

/** A message signed too long ago, or in the future, for this service's clock. */
public class StaleSignature extends RefusedMessage {

	StaleSignature(Instant signedAt, Instant now, Duration maxSkew) {
		super("stale-signature",
				"signedAt " + signedAt + " is more than " + maxSkew + " from the service's clock (" + now + ")", null);
	}
}
