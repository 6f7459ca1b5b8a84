package io.colony.credentials.auditing;

import io.colony.credentials.audit.AuditEntry;
import io.colony.credentials.audit.AuditTrail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the credential features write the audit log.
 *
 * <p>{@link #record} appends inside the caller's transaction and turns a failed append into
 * {@link AuditUnavailable}: the transaction rolls back with it, so a grant, token, renewal or revocation exists only
 * together with its entry (fail closed).
 *
 * <p>{@link #recordRejection} appends a refused message (bad signature, replayed nonce...) in a transaction of its
 * own, after the refusal's transaction (if any) rolled back. A rejection must stand whether or not it could be
 * written down, so a failure there is logged and swallowed.
 */
@Component
public class AuditRecorder {

	private static final Logger log = LoggerFactory.getLogger(AuditRecorder.class);

	private final AuditTrail trail;

	private final TransactionTemplate ownTransaction;

	AuditRecorder(AuditTrail trail, PlatformTransactionManager transactionManager) {
		this.trail = trail;
		this.ownTransaction = new TransactionTemplate(transactionManager);
		this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	/** @throws AuditUnavailable when the entry cannot be appended; the surrounding transaction must then roll back */
	@Transactional(propagation = Propagation.MANDATORY)
	public void record(AuditEntry entry) {
		try {
			trail.append(entry);
		}
		catch (DataAccessException ex) {
			throw new AuditUnavailable(ex);
		}
	}

	/** Appends a refusal in its own transaction; never throws. */
	public void recordRejection(AuditEntry entry) {
		try {
			ownTransaction.executeWithoutResult(status -> trail.append(entry));
		}
		catch (RuntimeException ex) {
			log.warn("could not audit a rejected {} by {}: {}", entry.details().get("reason"), entry.actor(),
					ex.toString());
		}
	}

	/** Details for an entry: string keys, insertion order, {@code null} values left out. */
	public static Map<String, Object> details(Object... keysAndValues) {
		Map<String, Object> details = new LinkedHashMap<>();
		for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
			Object value = keysAndValues[i + 1];
			if (value != null) {
				details.put((String) keysAndValues[i], value instanceof CharSequence || value instanceof Number
						|| value instanceof Boolean || value instanceof List<?> ? value : value.toString());
			}
		}
		return details;
	}
}
