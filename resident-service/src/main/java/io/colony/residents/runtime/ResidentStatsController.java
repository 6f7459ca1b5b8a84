package io.colony.residents.runtime;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the benchmark reads about this instance (internal, no tenant: operational figures only).
 *
 * <p>{@code bytesPerActiveAgent} is (heap used now − heap used at start-up) ÷ agents in memory, both measured after a
 * full GC: an upper bound, as everything else the service accumulated since start-up counts as agents' too. Ask with
 * {@code gc=true} when the service is quiet (after a benchmark's messages were answered).
 */
@RestController
class ResidentStatsController {

	private final ResidentRuntime runtime;

	private volatile long baselineHeapUsed = -1;

	ResidentStatsController(ResidentRuntime runtime) {
		this.runtime = runtime;
	}

	@EventListener(ApplicationReadyEvent.class)
	void measureBaseline() {
		baselineHeapUsed = heapUsedAfterGc();
	}

	@GetMapping("/internal/v1/residents/stats")
	Map<String, Object> stats(@RequestParam(defaultValue = "false") boolean gc) {
		Map<String, Object> stats = new LinkedHashMap<>();
		int active = runtime.activeCount();
		long heapUsed = gc ? heapUsedAfterGc() : ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
		stats.put("active", active);
		stats.put("processing", runtime.processingCount());
		stats.put("heapUsedBytes", heapUsed);
		stats.put("heapMaxBytes", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax());
		stats.put("baselineHeapUsedBytes", baselineHeapUsed);
		stats.put("bytesPerActiveAgent",
				gc && active > 0 && baselineHeapUsed >= 0 ? (heapUsed - baselineHeapUsed) / active : null);
		stats.put("memoryBytes", runtime.memoryBytes());
		stats.put("activation", timer(runtime.activationTimer()));
		stats.put("reply", timer(runtime.replyTimer()));
		stats.put("messages", runtime.outcomes());
		return stats;
	}

	/** Drops every agent that is not processing a message from memory (to measure re-activation). */
	@PostMapping("/internal/v1/residents/passivations")
	Map<String, Object> passivateAll() {
		return Map.of("passivated", runtime.passivateAll(), "active", runtime.activeCount());
	}

	private static Map<String, Object> timer(Timer timer) {
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("count", timer.count());
		for (ValueAtPercentile percentile : timer.takeSnapshot().percentileValues()) {
			figures.put("p" + Math.round(percentile.percentile() * 100) + "Ms", percentile.value(TimeUnit.MILLISECONDS));
		}
		figures.put("maxMs", timer.max(TimeUnit.MILLISECONDS));
		return figures;
	}

	static long heapUsedAfterGc() {
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 3; i++) {
			System.gc();
			used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
		}
		return used;
	}
}
