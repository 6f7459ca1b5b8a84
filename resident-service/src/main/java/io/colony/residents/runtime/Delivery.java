package io.colony.residents.runtime;

import io.colony.contracts.ResidentMessageSent;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * A message in an agent's mailbox; {@code done} completes (and the broker delivery is acknowledged) once its
 * effect is committed or it is known to need none.
 *
 * @param inboxId the delivery's message id, claimed in the inbox with the effect
 * @param redelivered whether the broker delivered it before (another owner may have processed it)
 * @param owned whether this instance still owns it: {@code false} once the channel it came on closed (the broker has
 * put it back in its shard queue, for the shard's next owner)
 */
record Delivery(ResidentMessageSent message, UUID inboxId, boolean redelivered, BooleanSupplier owned,
		CompletableFuture<Void> done) {
}
