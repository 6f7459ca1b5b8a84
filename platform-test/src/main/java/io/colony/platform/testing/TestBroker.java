package io.colony.platform.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/**
 * A private RabbitMQ virtual host for one test class on the local broker, created and deleted through the
 * management HTTP API (plugin {@code rabbitmq_management}, enabled by {@code ./colony} and {@code .ci/run}).
 * Queues and exchanges of different tests therefore never meet.
 */
public final class TestBroker implements AutoCloseable {

	public static final String HOST = System.getenv().getOrDefault("COLONY_RABBITMQ_HOST", "127.0.0.1");

	public static final int PORT = 5672;

	private static final String MANAGEMENT = "http://" + HOST + ":15672/api";

	private static final String AUTH = "Basic "
			+ Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));

	private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private final String vhost;

	private TestBroker(String vhost) {
		this.vhost = vhost;
	}

	public static TestBroker create() {
		String vhost = "colony-it-" + UUID.randomUUID().toString().substring(0, 8);
		call("PUT", "/vhosts/" + encode(vhost), null);
		call("PUT", "/permissions/" + encode(vhost) + "/guest", "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
		return new TestBroker(vhost);
	}

	public String vhost() {
		return vhost;
	}

	/** Messages ready in {@code queue}, as the management API reports them (refreshed every few seconds). */
	public String queueJson(String queue) {
		return call("GET", "/queues/" + encode(vhost) + "/" + encode(queue), null);
	}

	@Override
	public void close() {
		call("DELETE", "/vhosts/" + encode(vhost), null);
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
	}

	private static String call(String method, String path, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(MANAGEMENT + path))
			.header("Authorization", AUTH)
			.header("Content-Type", "application/json")
			.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
		try {
			HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() >= 300) {
				throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
						+ response.body());
			}
			return response.body();
		}
		catch (IOException ex) {
			throw new IllegalStateException("RabbitMQ management API not reachable at " + MANAGEMENT
					+ " - run: rabbitmq-plugins enable rabbitmq_management", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}
}
