package io.colony.platform.messaging;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * Messaging settings shared by every service.
 *
 * @param deliveryLimit how many times a message may be delivered before it is dead-lettered; written
 * to every work queue as {@code x-delivery-limit} and enforced by consumers, which dead-letter on the
 * last attempt themselves so that the reason travels with the message
 * @param confirmTimeout how long a publish waits for the broker's confirm before it counts as failed
 * @param commandTimeout how long a request/reply command waits for its reply
 * @param publisherChannels confirm-mode channels a service publishes on, each with any number of
 * unconfirmed messages in flight
 */
@ConfigurationProperties("colony.messaging")
public record ColonyMessagingProperties(Integer deliveryLimit, Duration confirmTimeout, Duration commandTimeout,
		Integer publisherChannels) {

	public ColonyMessagingProperties {
		deliveryLimit = deliveryLimit == null ? 5 : deliveryLimit;
		confirmTimeout = confirmTimeout == null ? Duration.ofSeconds(10) : confirmTimeout;
		commandTimeout = commandTimeout == null ? Duration.ofSeconds(10) : commandTimeout;
		publisherChannels = publisherChannels == null ? 4 : publisherChannels;
		if (deliveryLimit < 1) {
			throw new IllegalArgumentException("colony.messaging.delivery-limit must be at least 1");
		}
	}
}
