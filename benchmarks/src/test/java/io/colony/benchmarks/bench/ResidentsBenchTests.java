package io.colony.benchmarks.bench;

import io.colony.benchmarks.cli.UsageError;
import io.colony.benchmarks.mesh.MeshOptions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResidentsBenchTests {

	@Test
	void defaultsAreTheIssuesBenchmark() {
		ResidentsBench.Settings settings = ResidentsBench.Settings.parse(List.of());

		assertThat(settings.agents()).isEqualTo(1_000_000);
		assertThat(settings.messages()).isEqualTo(100_000);
		assertThat(settings.latency()).isEqualTo(Duration.ofMillis(200));
		assertThat(settings.concurrency()).isEqualTo(2000);
		assertThat(settings.bulkSize()).isEqualTo(10_000);
		assertThat(settings.requests()).isEqualTo(100);
		assertThat(settings.workers()).isEqualTo(1);
		assertThat(settings.llmUrl()).isNull();
		assertThat(settings.reactivations()).isEqualTo(2_000);
		assertThat(settings.reactivationConcurrency()).isEqualTo(4);
		assertThat(settings.jvmOptions()).as("sized for a small node").contains("-Xms24m", "-XX:+UseSerialGC");
		assertThat(ResidentsBench.Settings.parse(List.of("--jvm-options", "")).jvmOptions())
			.as("the launcher's plain settings").isEmpty();
	}

	@Test
	void scalesDownForAQuickRunAndRefusesWhatItDoesNotKnow() {
		ResidentsBench.Settings settings = ResidentsBench.Settings.parse(List.of("--agents", "10001", "--messages",
				"2000", "--concurrency", "200", "--llm-url", "http://127.0.0.1:8070/v1/"));

		assertThat(settings.agents()).isEqualTo(10_001);
		assertThat(settings.requests()).as("the last bulk request takes the one left").isEqualTo(2);
		assertThat(settings.llmUrl()).isEqualTo(URI.create("http://127.0.0.1:8070/v1"));
		assertThatThrownBy(() -> ResidentsBench.Settings.parse(List.of("--bulk-size", "10001")))
			.isInstanceOf(UsageError.class).hasMessageContaining("--bulk-size");
		assertThatThrownBy(() -> ResidentsBench.Settings.parse(List.of("--agents", "10", "--colour", "red")))
			.isInstanceOf(UsageError.class).hasMessageContaining("--colour");
	}

	@Test
	void theMeshRunsWithoutRateLimitsAndTheSimulatedLatency() {
		MeshOptions options = ResidentsBench.meshOptions(ResidentsBench.Settings.parse(List.of("--latency-ms", "150",
				"--base-port", "38080")));

		assertThat(options.simulatedLatency()).isEqualTo(Duration.ofMillis(150));
		assertThat(options.residentsPort()).isEqualTo(38085);
		assertThat(options.workers()).isEqualTo(1);
		assertThat(options.gatewayArguments()).contains("--colony.gateway.limits.enabled=false");
		assertThat(options.residentArguments()).as("activated agents stay in memory until measured")
			.contains("--colony.residents.idle-timeout=PT24H", "--colony.residents.max-active=1000000");
		assertThat(options.jvmArguments()).contains("-XX:+UseSerialGC");

		MeshOptions smaller = ResidentsBench.meshOptions(ResidentsBench.Settings.parse(List.of("--jvm-options",
				" -Xmx256m  -XX:+UseSerialGC ")));
		assertThat(smaller.jvmArguments()).containsExactly("-Xmx256m", "-XX:+UseSerialGC");
		assertThatThrownBy(() -> ResidentsBench.Settings.parse(List.of("--jvm-options", "-Xmx1g --spring.x=y")))
			.isInstanceOf(UsageError.class).hasMessageContaining("--spring.x=y");
	}

	@Test
	void bulkBodiesNameEveryAgentOnceWithSortableIds() throws Exception {
		JsonNode body = JsonMapper.builder().build().readTree(bulkBody(9_998, 10_001));

		assertThat(body.path("agents").size()).isEqualTo(3);
		assertThat(body.path("agents").get(0).path("id").asString()).isEqualTo("r0009998");
		assertThat(body.path("agents").get(2).path("id").asString()).isEqualTo("r0010000");
		assertThat(body.path("agents").get(2).path("type").asString()).isEqualTo("assistant");
		assertThat(ResidentsBench.agentId(999_999)).isEqualTo("r0999999");
	}

	@Test
	void readsTheIdsThatMatchAMessageToItsReply() {
		assertThat(ResidentsBench.inReplyTo("{\"type\":\"ResidentReplied\",\"agentId\":\"r0000001\","
				+ "\"inReplyTo\":\"6a0c2d52-2b1a-4a53-9d0e-6f1f2a3b4c5d\",\"sequence\":1}"))
			.isEqualTo("6a0c2d52-2b1a-4a53-9d0e-6f1f2a3b4c5d");
		assertThat(ResidentsBench.inReplyTo("{\"type\":\"ResidentReplied\"}")).isNull();
		assertThat(ResidentsBench.inReplyTo("not json")).isNull();
		assertThat(ResidentsBench.messageId("{\"messageId\":\"m-1\"}")).isEqualTo("m-1");
		assertThat(ResidentsBench.messageId("{}")).isEmpty();
	}

	@Test
	void activationP99ComesFromTheServicesStatsElseFromItsHistogram() throws Exception {
		JsonMapper json = JsonMapper.builder().build();
		PrometheusMetrics histogram = PrometheusMetrics.parse("colony_residents_activation_seconds_bucket{le=\"0.002\"} 98.0\n"
				+ "colony_residents_activation_seconds_bucket{le=\"0.004\"} 100.0\n"
				+ "colony_residents_activation_seconds_bucket{le=\"+Inf\"} 100.0\n");

		assertThat(ResidentsBench.activationP99(json.readTree("{\"activation\":{\"count\":100,\"p99Ms\":1.5}}"),
				histogram)).hasValue(0.0015);
		assertThat(ResidentsBench.activationP99(json.readTree("{\"activation\":{\"count\":0}}"), histogram))
			.hasValue(0.004);
		assertThat(ResidentsBench.activationP99(null, PrometheusMetrics.parse(""))).isEmpty();
	}

	private static String bulkBody(int from, int to) {
		return ResidentsBench.bulkBody(from, to);
	}
}
