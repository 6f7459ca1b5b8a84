package io.colony.residents.runtime;

import io.colony.contracts.ResidentId;
import io.colony.contracts.TenantId;
import io.colony.residents.agent.Memory;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Heap held by resident-but-idle agents, measured as the runtime holds them (key, {@link Resident}, compact memory
 * in a {@link ConcurrentHashMap}): 100,000 agents, full GCs before and after, difference divided by the count.
 */
class ResidentFootprintTests {

	static final int AGENTS = 100_000;

	@Test
	void anIdleAgentCreatedWithAFactHoldsAtMost256BytesOfHeap() {
		long perAgent = measure(i -> new Memory("", Map.of("name", "user " + i), List.of()));
		System.out.println("FOOTPRINT: {\"memory\": \"one fact\", \"bytesPerIdleAgent\": " + perAgent + "}");
		assertThat(perAgent).isLessThanOrEqualTo(256);
	}

	@Test
	void anIdleAgentWithOneTurnIsMeasuredToo() {
		long perAgent = measure(i -> new Memory("", Map.of(), List.of(new Memory.Turn("hello " + i,
				"Reply #1 to \"hello " + i + "\" (remembering: nothing yet)"))));
		System.out.println("FOOTPRINT: {\"memory\": \"one turn\", \"bytesPerIdleAgent\": " + perAgent + "}");
		assertThat(perAgent).isPositive();
	}

	private static long measure(java.util.function.IntFunction<Memory> memory) {
		TenantId tenant = TenantId.of("bench");
		String type = "assistant".intern();
		ConcurrentHashMap<String, Resident> active = new ConcurrentHashMap<>();
		long before = usedAfterGc();
		for (int i = 0; i < AGENTS; i++) {
			String key = ResidentRuntime.key(tenant, ResidentId.of("user-" + i));
			active.put(key, Resident.active(type, MemoryCodec.encode(memory.apply(i)), 1, 0));
		}
		long after = usedAfterGc();
		assertThat(active).hasSize(AGENTS);
		return (after - before) / AGENTS;
	}

	private static long usedAfterGc() {
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 4; i++) {
			System.gc();
			used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
		}
		return used;
	}
}
