package io.colony.platform.messaging;

import java.util.List;

/**
 * Handles a batch of messages synchronously, typically in one database transaction. When it throws for a
 * batch of several, each message is retried alone so that one poison message cannot take its neighbours
 * down with it; a message that fails alone is treated as {@link MessageHandler} describes.
 */
@FunctionalInterface
public interface BatchHandler<T> {

	void handle(List<Inbound<T>> batch) throws Exception;
}
