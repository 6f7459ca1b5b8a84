package io.colony.residents;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A small client of the internal API for tests. */
record ResidentHttp(int port) {

	static final HttpClient HTTP = HttpClient.newHttpClient();

	static final JsonMapper JSON = JsonMapper.builder().build();

	record Response(int status, JsonNode body) {
	}

	Response get(String tenant, String path) {
		return send(tenant, "GET", path, null);
	}

	Response post(String tenant, String path, String json) {
		return send(tenant, "POST", path, json);
	}

	Response delete(String tenant, String path) {
		return send(tenant, "DELETE", path, null);
	}

	Response send(String tenant, String method, String path, String json) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
		if (json != null) {
			request.header("Content-Type", "application/json");
		}
		if (tenant != null) {
			request.header("X-Colony-Tenant", tenant);
		}
		try {
			HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
			JsonNode body = response.body() == null || response.body().isEmpty() ? null : JSON.readTree(response.body());
			return new Response(response.statusCode(), body);
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Sends {@code content} to an agent and returns the message id (asserting 202). */
	String message(String tenant, String agent, String content) {
		Response response = post(tenant, "/internal/v1/agents/" + agent + "/messages",
				JSON.writeValueAsString(java.util.Map.of("content", content)));
		if (response.status() != 202) {
			throw new AssertionError("message to " + agent + " answered " + response.status() + ": " + response.body());
		}
		return response.body().path("messageId").asString();
	}
}
