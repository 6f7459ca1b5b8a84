package io.colony.platform.messaging;

/** AMQP header names Colony sets or reads. */
public final class Headers {

	/** Tenant the message belongs to. */
	public static final String TENANT = "x-colony-tenant";
	/** Set by quorum queues on redelivery: how many earlier deliveries failed. */
	public static final String DELIVERY_COUNT = "x-delivery-count";
	/** Why a consumer dead-lettered a message. */
	public static final String DEATH_REASON = "x-colony-death-reason";
	/** The queue the message was dead-lettered from. */
	public static final String DEATH_QUEUE = "x-colony-death-queue";
	/** How many deliveries the message had when it was dead-lettered. */
	public static final String DEATH_DELIVERIES = "x-colony-death-deliveries";
	/** When it was dead-lettered (ISO-8601). */
	public static final String DEATH_AT = "x-colony-death-at";

	private Headers() {
	}
}
