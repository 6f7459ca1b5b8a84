package io.colony.worker.catalog;

/** The agent catalog is not usable as written; the message says where and why. Fails start-up. */
public class CatalogException extends RuntimeException {

	public CatalogException(String message) {
		super(message);
	}

	public CatalogException(String message, Throwable cause) {
		super(message, cause);
	}
}
