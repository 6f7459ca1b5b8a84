package io.colony.platform.messaging;

import java.util.concurrent.CompletionStage;

/**
 * Handles one message, possibly asynchronously. The message is acknowledged when the returned stage
 * completes normally; when it fails, the message is redelivered, or dead-lettered with the failure as
 * its reason when the failure is a {@link PermanentFailure} or this was the last allowed delivery.
 * Handlers must therefore be idempotent.
 */
@FunctionalInterface
public interface MessageHandler<T> {

	CompletionStage<?> handle(Inbound<T> message) throws Exception;
}
