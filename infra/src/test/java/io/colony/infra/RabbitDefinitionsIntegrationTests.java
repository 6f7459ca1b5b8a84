package io.colony.infra;

import io.colony.platform.testing.TestBroker;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** The definitions file is accepted by a real RabbitMQ and yields the queues it describes. */
class RabbitDefinitionsIntegrationTests {

	static final String API = "http://127.0.0.1:15672/api";

	static final String AUTH = "Basic " + Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));

	@Test
	void brokerImportsTheDefinitions() throws Exception {
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		JsonMapper json = JsonMapper.builder().build();
		try (TestBroker broker = TestBroker.create()) {
			String vhost = URLEncoder.encode(broker.vhost(), StandardCharsets.UTF_8);
			String definitions = Files.readString(Path.of("rabbitmq/definitions.json"));
			HttpResponse<String> imported = http.send(HttpRequest.newBuilder(URI.create(API + "/definitions/" + vhost))
				.header("Authorization", AUTH)
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(definitions))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(imported.statusCode()).as(imported.body()).isBetween(200, 299);

			HttpResponse<String> queues = http.send(HttpRequest.newBuilder(URI.create(API + "/queues/" + vhost))
				.header("Authorization", AUTH)
				.build(), HttpResponse.BodyHandlers.ofString());
			JsonNode declared = json.readTree(queues.body());
			JsonNode expected = json.readTree(definitions).get("queues");
			assertThat(declared.size()).isEqualTo(expected.size());
			for (JsonNode queue : declared) {
				if (queue.get("name").asString().equals("agent.summarizer")) {
					assertThat(queue.get("type").asString()).isEqualTo("quorum");
					assertThat(queue.get("arguments").get("x-delivery-limit").asInt()).isEqualTo(5);
				}
			}
		}
	}
}
