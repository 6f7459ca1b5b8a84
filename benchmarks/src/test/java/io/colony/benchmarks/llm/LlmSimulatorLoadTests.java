package io.colony.benchmarks.llm;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator under thousands of concurrent requests, in a class of its own: its client runs on event loops and a
 * pool of its own, both disposed at the end, so the ten thousand connections it opens and closes cannot slow or
 * disturb the other tests' requests.
 */
class LlmSimulatorLoadTests {

	@Test
	void holdsThousandsOfRequestsAtOnceWithoutAThreadEach() {
		Duration latency = Duration.ofMillis(2000);
		int requests = 5_000;
		try (LlmSimulator slow = LlmSimulator.start("127.0.0.1", 0, latency)) {
			ConnectionProvider pool = ConnectionProvider.builder("load")
				.maxConnections(requests)
				.pendingAcquireMaxCount(-1)
				.pendingAcquireTimeout(Duration.ofSeconds(60))
				.build();
			LoopResources loops = LoopResources.create("llm-load", 2, true);
			HttpClient client = HttpClient.create(pool).runOn(loops).baseUrl(slow.baseUrl());
			// The first round pays for class loading and 5,000 TCP handshakes (the kernel's accept queue is
			// capped by somaxconn); the second measures the simulator holding them all.
			List<String> warmUp = load(client, requests);
			assertThat(warmUp).hasSize(requests);
			slow.resetStats();
			int threadsBefore = Thread.activeCount();
			long started = System.nanoTime();
			List<String> answers = load(client, requests);
			Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
			pool.disposeLater().block(Duration.ofSeconds(10));
			loops.disposeLater().block(Duration.ofSeconds(10));

			assertThat(answers).hasSize(requests).allSatisfy(answer -> assertThat(answer).contains("\"stop\""));
			assertThat(slow.stats().maxInFlight()).isEqualTo(requests);
			assertThat(slow.stats().requests()).isEqualTo(requests);
			assertThat(slow.stats().inFlight()).isZero();
			// One latency plus connection set-up, not requests x latency / threads.
			assertThat(elapsed).isLessThan(latency.multipliedBy(5).dividedBy(2));
			assertThat(Thread.activeCount() - threadsBefore).isLessThan(100);
		}
	}

	private static List<String> load(HttpClient client, int requests) {
		return Flux.range(0, requests)
			.flatMap(i -> client.post()
				.uri("/v1/chat/completions")
				.send(ByteBufFlux.fromString(Mono.just(LlmSimulatorTests.request("document " + i, false))))
				.responseSingle((head, body) -> body.asString()), requests)
			.collectList()
			.block(Duration.ofSeconds(90));
	}
}
