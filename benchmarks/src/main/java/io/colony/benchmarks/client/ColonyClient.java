package io.colony.benchmarks.client;

import io.colony.benchmarks.cli.CommandFailed;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A small client of the gateway's public API (see ARCHITECTURE.md "Public API"): token, submit, job, results
 * and the job's event stream. Responses are read as JSON trees so that fields the gateway adds later do not
 * matter.
 */
public final class ColonyClient {

	public static final String CLIENT_ID = "colony-cli";

	public static final String CLIENT_SECRET = "colony-local-secret";

	public static final String DEFAULT_SCOPE = "jobs:read jobs:write registry:read agents:read agents:write";

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

	private static final JsonNode EMPTY_ARRAY = JsonMapper.builder().build().createArrayNode();

	private final URI gateway;

	private final HttpClient http;

	private final JsonMapper json = JsonMapper.builder().build();

	private volatile String token;

	public ColonyClient(URI gateway) {
		this.gateway = gateway;
		this.http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
	}

	public URI gateway() {
		return gateway;
	}

	public HttpClient http() {
		return http;
	}

	public JsonMapper json() {
		return json;
	}

	public String token() {
		return token;
	}

	public ColonyClient useToken(String token) {
		this.token = token;
		return this;
	}

	/** Mints a token with the local issuer's client-credentials grant and uses it from now on. */
	public ColonyClient authenticate() {
		return useToken(mintToken(DEFAULT_SCOPE, Map.of()));
	}

	/**
	 * @param extra further form parameters, e.g. a short lifetime the local issuer accepts
	 * @return the access token
	 */
	public String mintToken(String scope, Map<String, String> extra) {
		StringBuilder form = new StringBuilder("grant_type=client_credentials&scope=").append(encode(scope));
		extra.forEach((key, value) -> form.append('&').append(encode(key)).append('=').append(encode(value)));
		String basic = Base64.getEncoder()
			.encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
		HttpRequest request = HttpRequest.newBuilder(gateway.resolve("/oauth2/token"))
			.timeout(REQUEST_TIMEOUT)
			.header("Authorization", "Basic " + basic)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Accept", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(form.toString()))
			.build();
		HttpResponse<String> response = send(request);
		if (response.statusCode() != 200) {
			throw new ApiError("minting a token at " + request.uri(), response.statusCode(), response.body());
		}
		String accessToken = parse(response.body()).path("access_token").asString("");
		if (accessToken.isEmpty()) {
			throw new ApiError("minting a token (no access_token in the answer)", response.statusCode(),
					response.body());
		}
		return accessToken;
	}

	/** Posts a job; any status is returned, the caller decides what it expects. */
	public HttpResponse<String> submit(String body, String idempotencyKey) {
		return send(submitRequest(body, idempotencyKey).build());
	}

	public HttpRequest.Builder submitRequest(String body, String idempotencyKey) {
		HttpRequest.Builder request = authorized("/api/v1/jobs")
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (idempotencyKey != null) {
			request.header("Idempotency-Key", idempotencyKey);
		}
		return request;
	}

	/** Posts a job and returns its id; anything but {@code 202} is an {@link ApiError}. */
	public String submitAccepted(String body) {
		HttpResponse<String> response = submit(body, null);
		if (response.statusCode() != 202) {
			throw new ApiError("submitting the job", response.statusCode(), response.body());
		}
		String jobId = parse(response.body()).path("jobId").asString("");
		if (jobId.isEmpty()) {
			throw new ApiError("submitting the job (no jobId in the answer)", 202, response.body());
		}
		return jobId;
	}

	public JsonNode job(String jobId) {
		return getJson("/api/v1/jobs/" + jobId, "reading job " + jobId);
	}

	public JsonNode resultsPage(String jobId, int page, int size) {
		return getJson("/api/v1/jobs/" + jobId + "/results?page=" + page + "&size=" + size,
				"reading results of job " + jobId);
	}

	/** Every result of a job, page by page. */
	public List<JsonNode> allResults(String jobId, int pageSize) {
		List<JsonNode> results = new ArrayList<>();
		for (int page = 0;; page++) {
			JsonNode body = resultsPage(jobId, page, pageSize);
			JsonNode items = items(body);
			items.forEach(results::add);
			long total = body.path("totalItems").asLong(-1);
			if (items.isEmpty() || items.size() < pageSize || (total >= 0 && results.size() >= total)) {
				return results;
			}
		}
	}

	/** The list in a results page ({@code items}; {@code content} or {@code results} in other page shapes). */
	public static JsonNode items(JsonNode page) {
		for (String name : List.of("items", "content", "results")) {
			if (page.path(name).isArray()) {
				return page.path(name);
			}
		}
		return page.isArray() ? page : EMPTY_ARRAY;
	}

	/**
	 * Opens the job's event stream and hands every event to {@code listener} on a dedicated thread; returns
	 * once the gateway answered the request (so events published from now on are seen).
	 */
	public EventStream events(String jobId, Consumer<SseEvent> listener) {
		return stream("/api/v1/jobs/" + jobId + "/events", "job " + jobId, listener);
	}

	/**
	 * Opens any event stream of the gateway ({@code path}, e.g. {@code /api/v1/agents/events}) and hands every event
	 * to {@code listener} on a dedicated thread; returns once the gateway answered the request.
	 *
	 * @param name what the stream is, for errors and the reader thread's name
	 */
	public EventStream stream(String path, String name, Consumer<SseEvent> listener) {
		HttpRequest request = authorized(path).header("Accept", "text/event-stream")
			.GET()
			.build();
		HttpResponse<Stream<String>> response;
		try {
			response = http.send(request, HttpResponse.BodyHandlers.ofLines());
		}
		catch (IOException ex) {
			throw unreachableOr(ex, "opening the event stream of " + name);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", ex);
		}
		if (response.statusCode() != 200) {
			String body = response.body().limit(20).collect(Collectors.joining("\n"));
			response.body().close();
			throw new ApiError("opening the event stream of " + name, response.statusCode(), body);
		}
		return EventStream.start(name, response.body(), listener);
	}

	public HttpRequest.Builder authorized(String path) {
		HttpRequest.Builder request = HttpRequest.newBuilder(gateway.resolve(path)).timeout(REQUEST_TIMEOUT);
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return request;
	}

	public HttpResponse<String> send(HttpRequest request) {
		try {
			return http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw unreachableOr(ex, request.method() + " " + request.uri());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", ex);
		}
	}

	public JsonNode parse(String body) {
		try {
			return json.readTree(body);
		}
		catch (JacksonException ex) {
			throw new ApiError("reading a JSON answer", 200, body);
		}
	}

	private JsonNode getJson(String path, String what) {
		HttpResponse<String> response = send(authorized(path).header("Accept", "application/json").GET().build());
		if (response.statusCode() != 200) {
			throw new ApiError(what, response.statusCode(), response.body());
		}
		return parse(response.body());
	}

	private RuntimeException unreachableOr(IOException ex, String what) {
		Throwable cause = ex;
		while (cause.getCause() != null && !(cause instanceof ConnectException)) {
			cause = cause.getCause();
		}
		if (cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException
				|| cause instanceof ClosedChannelException) {
			return new GatewayUnreachable(gateway, ex);
		}
		return new CommandFailed(what + " failed: " + describe(ex), ex);
	}

	private static String describe(Throwable ex) {
		String message = ex.getMessage();
		return ex.getClass().getSimpleName() + (message == null ? "" : ": " + message);
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}
}
