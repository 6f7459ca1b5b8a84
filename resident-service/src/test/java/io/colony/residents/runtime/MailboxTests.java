package io.colony.residents.runtime;

import io.colony.contracts.ResidentId;
import io.colony.contracts.ResidentMessageSent;
import io.colony.contracts.TenantId;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class MailboxTests {

	static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

	@Test
	void newMessagesWaitInArrivalOrder() {
		Resident resident = new Resident(0);
		resident.enqueue(delivery("b", 2, false));
		resident.enqueue(delivery("a", 1, false));

		assertThat(drain(resident)).containsExactly("b", "a");
	}

	@Test
	void redeliveriesReturnedOutOfOrderAreTakenInSendOrder() {
		Resident resident = new Resident(0);
		resident.enqueue(delivery("m5", 5, true));
		resident.enqueue(delivery("m3", 3, true));
		resident.enqueue(delivery("m4", 4, true));
		resident.enqueue(delivery("m6", 6, false));

		assertThat(drain(resident)).containsExactly("m3", "m4", "m5", "m6");
		assertThat(resident.pending).isNull();
	}

	private static Delivery delivery(String content, int second, boolean redelivered) {
		return new Delivery(new ResidentMessageSent(UUID.randomUUID(), ResidentId.of("a"), TenantId.of("t"), content,
				ResidentMessageSent.FROM_USER, T0.plusSeconds(second)), UUID.randomUUID(), redelivered,
				() -> true, new CompletableFuture<>());
	}

	private static List<String> drain(Resident resident) {
		List<String> contents = new ArrayList<>();
		for (Delivery next = resident.poll(); next != null; next = resident.poll()) {
			contents.add(next.message().content());
		}
		return contents;
	}
}
