package io.colony.residents.agent;

/** The broker did not confirm a message for an agent's mailbox; nothing was sent, the client may retry. */
class MailboxUnavailable extends RuntimeException {

	MailboxUnavailable(Throwable cause) {
		super("the message could not be handed to the broker: " + cause, cause);
	}
}
