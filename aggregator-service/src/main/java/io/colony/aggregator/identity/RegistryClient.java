package io.colony.aggregator.identity;

import io.colony.contracts.AgentId;
import io.colony.contracts.AgentView;
import io.colony.platform.messaging.MessageCodec;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Asks the registry's internal API for one agent: {@code GET /api/v1/registry/agents/{agentId}}, an
 * {@link AgentView} with every key the agent announced, revoked ones included; {@code 404} when it does not know
 * the agent. The JDK client is asynchronous, so no thread waits on the network.
 */
final class RegistryClient {

	private final HttpClient http;

	private final URI baseUrl;

	private final Duration timeout;

	private final MessageCodec codec;

	RegistryClient(URI baseUrl, Duration timeout, MessageCodec codec) {
		this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
		String base = baseUrl.toString();
		this.baseUrl = URI.create(base.endsWith("/") ? base : base + "/");
		this.timeout = timeout;
		this.codec = codec;
	}

	/** Completes with the agent, empty when the registry does not know it, or {@link RegistryUnavailable}. */
	CompletableFuture<Optional<AgentView>> agent(AgentId agentId) {
		URI uri = baseUrl.resolve("api/v1/registry/agents/"
				+ URLEncoder.encode(agentId.value(), StandardCharsets.UTF_8).replace("+", "%20"));
		HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET()
			.build();
		return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
			.handle((response, error) -> {
				if (error != null) {
					throw new RegistryUnavailable("registry at " + baseUrl + " not reachable: " + error, error);
				}
				return switch (response.statusCode()) {
					case 200 -> Optional.of(decode(agentId, response.body()));
					case 404 -> Optional.<AgentView>empty();
					default -> throw new RegistryUnavailable(
							"registry answered " + response.statusCode() + " for agent " + agentId, null);
				};
			});
	}

	private AgentView decode(AgentId agentId, byte[] body) {
		try {
			return codec.decode(body, AgentView.class);
		}
		catch (RuntimeException ex) {
			throw new RegistryUnavailable("registry served no AgentView for agent " + agentId, ex);
		}
	}
}
