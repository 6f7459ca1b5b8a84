package io.colony.gateway.fleet;

import com.sun.net.httpserver.HttpServer;
import io.colony.gateway.fleet.BrokerQueues.ManagementQueue;
import io.colony.gateway.fleet.FleetSnapshot.QueueDepth;
import io.colony.gateway.fleet.FleetSnapshot.Queues;
import io.colony.platform.messaging.MessageCodec;
import io.colony.platform.testing.TestBroker;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class BrokerQueuesTests {

	@Test
	void keepsColonysQueuesEachWorkQueueBeforeItsDeadLetterQueueAgentQueuesFirst() {
		List<QueueDepth> depths = BrokerQueues.depths(List.of(queue("orchestrator.commands.dlq", 1, 0, 0),
				queue("gateway.events.x7Yz", 0, 0, 1), queue("agent.summarizer.dlq", 4, 0, 0),
				queue("aggregator.results", 10, 5, 1), queue("agent.summarizer", 120, 40, 2),
				queue("agent-worker.completions.abc", 0, 0, 1), queue("agent.Not_A_Capability", 1, 0, 0),
				queue("agent.coder", 0, 0, 1), queue("orchestrator.commands", 0, 0, 1), queue("amq.gen-123", 0, 0, 1),
				new ManagementQueue("agent.fresh", null, null, null)));

		assertThat(depths).extracting(QueueDepth::name)
			.containsExactly("agent.coder", "agent.fresh", "agent.summarizer", "agent.summarizer.dlq", "aggregator.results",
					"orchestrator.commands", "orchestrator.commands.dlq");
		assertThat(depths.get(2)).isEqualTo(new QueueDepth("agent.summarizer", "agent", false, 120, 40, 2));
		assertThat(depths.get(3).deadLetter()).isTrue();
		assertThat(depths.get(1)).as("no statistics yet").isEqualTo(new QueueDepth("agent.fresh", "agent", false, 0, 0, 0));
		assertThat(depths.get(4).kind()).isEqualTo("service");
		assertThat(Queues.of("/", depths).deadLetters()).isEqualTo(5);
	}

	@Test
	void aCapabilitysHighPriorityQueueIsAnAgentQueueToo() {
		assertThat(BrokerQueues.kind("agent.summarizer.high")).isEqualTo("agent");
		assertThat(BrokerQueues.kind("agent.summarizer.high.dlq")).isEqualTo("agent");
		assertThat(BrokerQueues.kind("agent.high")).isEqualTo("agent");
		assertThat(BrokerQueues.kind("agent.Bad.high")).isNull();
		assertThat(BrokerQueues.kind("residents.shard.0")).isEqualTo("service");
		assertThat(BrokerQueues.kind("residents.shard.15.dlq")).isEqualTo("service");
		assertThat(BrokerQueues.kind("residents.shard.")).isNull();
		assertThat(BrokerQueues.kind("residents.shard.x1")).isNull();
	}

	@Test
	void sendsTheDefaultVirtualHostEncoded() throws IOException {
		List<String> paths = new CopyOnWriteArrayList<>();
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		server.createContext("/", exchange -> {
			paths.add(exchange.getRequestURI().getRawPath() + "?" + exchange.getRequestURI().getRawQuery() + " "
					+ exchange.getRequestHeaders().getFirst("Authorization"));
			byte[] body = "[{\"name\":\"agent.summarizer\",\"messages_ready\":3,\"consumers\":1,\"durable\":true}]"
				.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		server.start();
		try {
			BrokerQueues queues = new BrokerQueues(WebClient.create(),
					URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"), "/", "guest", "guest",
					new MessageCodec());

			Queues read = queues.read().block(Duration.ofSeconds(10));

			assertThat(paths).containsExactly("/api/queues/%2F?columns=name,messages_ready,messages_unacknowledged,consumers"
					+ " Basic Z3Vlc3Q6Z3Vlc3Q=");
			assertThat(read.vhost()).isEqualTo("/");
			assertThat(read.queues()).containsExactly(new QueueDepth("agent.summarizer", "agent", false, 3, 0, 1));
		}
		finally {
			server.stop(0);
		}
	}

	@Test
	void theRealManagementApiRefusesAWrongPasswordAndTheReasonSaysSo() {
		BrokerQueues queues = new BrokerQueues(WebClient.create(), URI.create("http://" + TestBroker.HOST + ":15672"), "/",
				"guest", "not-the-password", new MessageCodec());
		List<Throwable> errors = new ArrayList<>();

		Queues read = queues.read().doOnError(errors::add).onErrorResume(error -> Mono.empty())
			.block(Duration.ofSeconds(10));

		assertThat(read).isNull();
		assertThat(errors).hasSize(1);
		assertThat(SourceFailures.describe(BrokerQueues.SOURCE, errors.getFirst(), Duration.ofSeconds(2)))
			.isEqualTo("RabbitMQ management API answered 401")
			.doesNotContain("not-the-password");
	}

	private static ManagementQueue queue(String name, long ready, long unacked, long consumers) {
		return new ManagementQueue(name, ready, unacked, consumers);
	}
}
