package io.colony.contracts;

/** A lease is active until it expires (its hard limit passed, or its token was not renewed) or is revoked. */
public enum LeaseStatus {
	ACTIVE, EXPIRED, REVOKED
}
