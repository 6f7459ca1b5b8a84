package io.colony.orchestrator.deadletter;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The dead-letter queues ({@code *.dlq}) of the broker's vhost, from RabbitMQ's management HTTP API
 * ({@code GET /api/queues/<vhost>?columns=name}). Asking the broker rather than deriving the names from the topology
 * finds every queue, including agent queues of capabilities this instance never dispatched to and queues of services
 * deployed later.
 */
class DeadLetterQueues {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(TIMEOUT)
		.build();

	private final URI queuesUri;

	private final String authorization;

	private final JsonMapper json;

	DeadLetterQueues(URI managementUrl, String vhost, String username, String password, JsonMapper json) {
		String base = managementUrl.toString().replaceAll("/+$", "");
		this.queuesUri = URI.create(base + "/api/queues/" + URLEncoder.encode(vhost, StandardCharsets.UTF_8)
				.replace("+", "%20") + "?columns=name");
		this.authorization = "Basic " + Base64.getEncoder()
			.encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
		this.json = json;
	}

	/** @throws IllegalStateException when the management API cannot be asked or does not answer 200 */
	List<String> deadLetterQueues() {
		HttpRequest request = HttpRequest.newBuilder(queuesUri)
			.timeout(TIMEOUT)
			.header("Authorization", authorization)
			.header("Accept", "application/json")
			.GET()
			.build();
		HttpResponse<String> response;
		try {
			response = http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("RabbitMQ management API " + queuesUri + " not reachable", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted asking " + queuesUri, ex);
		}
		if (response.statusCode() != 200) {
			throw new IllegalStateException("RabbitMQ management API " + queuesUri + " answered "
					+ response.statusCode());
		}
		List<String> names = new ArrayList<>();
		for (JsonNode queue : json.readTree(response.body())) {
			String name = queue.path("name").asString("");
			if (name.endsWith(IncomingDeadLetter.DLQ_SUFFIX)) {
				names.add(name);
			}
		}
		return names;
	}
}
