package io.colony.credentials.signature;

import io.colony.credentials.audit.AuditEntry;
import io.colony.credentials.auditing.AuditRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.function.Supplier;

/**
 * The one way agents' signed messages are acted on: authenticate (outside any transaction, as it may ask the
 * registry), then, in one transaction, use up the nonce and run the action. A {@link RefusedMessage} from either
 * step is written to the audit log as {@code rejected} in a transaction of its own, after the action's rolled back,
 * and rethrown: the message is refused whether or not the audit log took the entry.
 *
 * <p>An entry for a message whose signature did not verify names neither tenant nor ids as columns (anyone could
 * have made them up, and they must not land in a tenant's view of the log): they are in its details, with the
 * claimed agent, and the actor is {@code unauthenticated}.
 */
@Component
public class SignedMessages {

	private static final Logger log = LoggerFactory.getLogger(SignedMessages.class);

	public static final String REJECTED = "rejected";

	static final String UNAUTHENTICATED = "unauthenticated";

	private final AgentAuthenticator authenticator;

	private final Nonces nonces;

	private final AuditRecorder audit;

	private final TransactionTemplate transactions;

	SignedMessages(AgentAuthenticator authenticator, Nonces nonces, AuditRecorder audit,
			PlatformTransactionManager transactionManager) {
		this.authenticator = authenticator;
		this.nonces = nonces;
		this.audit = audit;
		this.transactions = new TransactionTemplate(transactionManager);
	}

	/**
	 * Runs {@code action} in a transaction if {@code message} is authentic, fresh and new.
	 *
	 * @throws RefusedMessage when it is not, or when {@code action} refuses it
	 * @throws RegistryUnavailable when the agent's keys cannot be looked up (nothing is audited: nothing happened)
	 */
	public <T> T accept(SignedMessage message, Supplier<T> action) {
		try {
			authenticator.authenticate(message.agentId(), message.payload(), message.signature(), message.signedAt());
		}
		catch (BadSignature ex) {
			log.info("refused a {} claiming to be from agent {}: {}", message.kind(), message.agentId(), ex.getMessage());
			audit.recordRejection(unauthenticated(message, ex));
			throw ex;
		}
		catch (RefusedMessage ex) {
			log.info("refused a {} from agent {}: {}", message.kind(), message.agentId(), ex.getMessage());
			audit.recordRejection(authenticated(message, ex));
			throw ex;
		}
		try {
			return transactions.execute(status -> {
				nonces.consume(message.agentId(), message.nonce(), message.signedAt());
				return action.get();
			});
		}
		catch (RefusedMessage ex) {
			log.info("refused a {} from agent {}: {}", message.kind(), message.agentId(), ex.getMessage());
			audit.recordRejection(authenticated(message, ex));
			throw ex;
		}
	}

	private static AuditEntry unauthenticated(SignedMessage message, RefusedMessage refusal) {
		return new AuditEntry(REJECTED, null, null, null, UNAUTHENTICATED,
				AuditRecorder.details("reason", refusal.slug(), "message", message.kind(), "detail", refusal.getMessage(),
						"claimedAgent", message.agentId().value(),
						"claimedTenant", message.tenant() == null ? null : message.tenant().value(),
						"keyId", message.signature() == null ? null : message.signature().keyId(),
						"requestId", message.requestId(), "leaseId", message.leaseId()));
	}

	private static AuditEntry authenticated(SignedMessage message, RefusedMessage refusal) {
		return new AuditEntry(REJECTED, refusal.tenant() != null ? refusal.tenant() : message.tenant(),
				message.requestId(), message.leaseId(), message.agentId().value(),
				AuditRecorder.details("reason", refusal.slug(), "message", message.kind(), "detail", refusal.getMessage(),
						"nonce", message.nonce(), "signedAt", message.signedAt()));
	}
}
