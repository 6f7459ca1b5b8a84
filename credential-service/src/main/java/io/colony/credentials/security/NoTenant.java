package io.colony.credentials.security;

/** An operator's token names no tenant, so there is nothing it may see or act on. */
public class NoTenant extends RuntimeException {

	NoTenant(String message) {
		super(message);
	}
}
