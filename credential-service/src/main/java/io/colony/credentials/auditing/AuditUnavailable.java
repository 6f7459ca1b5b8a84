package io.colony.credentials.auditing;

/**
 * The audit log could not be written, so the change that needed the entry was rolled back with it: nothing was
 * granted, issued, renewed or revoked. The caller may retry later.
 */
public class AuditUnavailable extends RuntimeException {

	AuditUnavailable(Throwable cause) {
		super("the audit log cannot be written: " + cause.getClass().getSimpleName(), cause);
	}
}
