package io.colony.worker.tool.resource;

import io.colony.worker.credentials.CredentialFailure;
import io.colony.worker.credentials.CredentialNeed;
import io.colony.worker.credentials.Credentials;
import io.colony.worker.credentials.HeldCredential;
import io.colony.worker.tool.AgentTool;
import io.colony.worker.tool.ToolArguments;
import io.colony.worker.tool.ToolFailure;
import io.colony.worker.tool.ToolInvocation;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code resource_api}: calls one of the configured HTTP APIs ({@link ResourcesProperties}) with a short-lived
 * bearer token the credential service issues for the calling task: scope {@code <resource>:read} for GET and HEAD,
 * {@code <resource>:write} otherwise. A call whose credential needs a person's approval waits for it without a
 * thread (see {@link Credentials}); the task's later calls reuse the lease.
 *
 * <p>Right before the request is sent the point-of-use check runs ({@link Credentials#beforeUse}): an expired
 * token or a revoked lease is refused and reported. A denial, a time-out, an expiry or a revocation becomes the
 * tool's error ({@code credential denied: …}), which the model reads; the token itself never appears in a result,
 * an error or a log. Redirects are not followed, so the token goes to the configured base URL only.
 */
public final class ResourceApiTool implements AgentTool {

	public static final String NAME = "resource_api";

	private static final Set<String> READS = Set.of("GET", "HEAD");

	private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");

	private static final int MAX_JUSTIFICATION = 1_000;

	private static final Set<String> TEXT_APPLICATION_TYPES = Set.of("json", "xml", "yaml", "x-yaml", "x-ndjson",
			"csv", "x-www-form-urlencoded", "javascript");

	private static final JsonMapper JSON = JsonMapper.shared();

	private final Map<String, ResourcesProperties.Resource> resources;

	private final Credentials credentials;

	private final WebClient webClient;

	/**
	 * @param webClients a builder to start from (Spring Boot's, for its observation and codecs); it is cloned, and
	 * its connector replaced by one that never follows redirects
	 */
	public ResourceApiTool(ResourcesProperties properties, Credentials credentials, WebClient.Builder webClients) {
		this.resources = properties.resources();
		this.credentials = credentials;
		this.webClient = webClients.clone()
			.clientConnector(new ReactorClientHttpConnector(HttpClient.create().followRedirect(false)))
			.build();
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public String description() {
		String configured = resources.isEmpty() ? "none (every call is refused)" : String.join(", ", resources.keySet());
		return "Calls an HTTP API of a configured resource with a short-lived credential issued for this task. "
				+ "GET and HEAD need read access, POST, PUT, PATCH and DELETE write access; write access may wait for "
				+ "a person to approve it, so give a justification they can judge. Returns the status, the content "
				+ "type and the body. Resources: " + configured + ".";
	}

	@Override
	public String inputSchema() {
		String names = resources.isEmpty() ? "" : ",\"enum\":" + JSON.writeValueAsString(resources.keySet());
		return """
				{"type":"object","properties":{\
				"resource":{"type":"string","description":"which configured resource"%s},\
				"method":{"type":"string","enum":["GET","HEAD","POST","PUT","PATCH","DELETE"]},\
				"path":{"type":"string","description":"path and query under the resource's base URL, starting with /"},\
				"body":{"description":"request body for POST, PUT or PATCH: JSON, or text"},\
				"justification":{"type":"string","description":"why this access is needed, for the person who approves it"}},\
				"required":["resource","method","path"],"additionalProperties":false}""".formatted(names);
	}

	@Override
	public Mono<String> call(ToolInvocation invocation) {
		return Mono.defer(() -> {
			ToolArguments arguments = ToolArguments.parse(invocation.arguments());
			String name = arguments.requiredText("resource").strip();
			ResourcesProperties.Resource resource = resources.get(name);
			if (resource == null) {
				throw new ToolFailure(resources.isEmpty() ? "no resources are configured for " + NAME
						: "unknown resource '" + name + "'; configured: " + String.join(", ", resources.keySet()));
			}
			String method = arguments.requiredText("method").strip().toUpperCase(Locale.ROOT);
			if (!METHODS.contains(method)) {
				throw new ToolFailure("method '" + method + "' is not supported; use one of " + String.join(", ", METHODS));
			}
			String path = arguments.requiredText("path").strip();
			URI target = target(resource.baseUrl(), path);
			JsonNode body = arguments.optionalNode("body");
			if (body != null && READS.contains(method)) {
				throw new ToolFailure("a " + method + " request has no body; leave 'body' out");
			}
			String access = READS.contains(method) ? ":read" : ":write";
			CredentialNeed need = new CredentialNeed(invocation.tenant(), invocation.jobId(), invocation.taskId(), name,
					List.of(name + access), resource.ttl(), justification(arguments.optionalText("justification"), method, path));
			return credentials.acquire(need)
				.flatMap(held -> send(held, name, resource, method, target, body))
				.onErrorMap(CredentialFailure.class, failure -> new ToolFailure(failure.getMessage()));
		});
	}

	/** The point-of-use check runs when the request is about to go, not when the credential was acquired. */
	private Mono<String> send(HeldCredential held, String name, ResourcesProperties.Resource resource, String method,
			URI target, JsonNode body) {
		return Mono.defer(() -> {
			String token = credentials.beforeUse(held, NAME);
			WebClient.RequestBodySpec request = webClient.method(HttpMethod.valueOf(method))
				.uri(target)
				.headers(headers -> headers.setBearerAuth(token))
				.accept(MediaType.APPLICATION_JSON, MediaType.ALL);
			if (body != null) {
				Body encoded = Body.of(body);
				request.contentType(encoded.type()).bodyValue(encoded.bytes());
			}
			return request.exchangeToMono(response -> read(response, resource))
				.timeout(resource.timeout(), Mono.error(() -> new ToolFailure("no complete response from resource '" + name
						+ "' within " + resource.timeout().toMillis() + "ms" + (READS.contains(method) ? ""
								: "; the " + method + " may or may not have taken effect"))));
		}).onErrorMap(error -> !(error instanceof ToolFailure || error instanceof CredentialFailure),
				error -> failure(name, error));
	}

	private static Mono<String> read(ClientResponse response, ResourcesProperties.Resource resource) {
		MediaType type = contentType(response);
		StringBuilder text = new StringBuilder(statusLine(response)).append('\n');
		text.append("Content-Type: ").append(type == null ? "(none)" : type.toString()).append('\n');
		if (type != null && !isText(type)) {
			return discard(response).thenReturn(text.append("\n(a binary body is not shown)").toString());
		}
		Capped body = new Capped((int) resource.maxResponseSize().toBytes());
		return response.bodyToFlux(DataBuffer.class)
			.doOnNext(body::add)
			// cancelling once cut closes the connection instead of downloading the rest
			.takeUntil(ignored -> body.cut)
			.then(Mono.fromSupplier(() -> {
				if (body.bytes.size() > 0) {
					text.append('\n').append(new String(body.bytes.toByteArray(), charset(type)));
				}
				if (body.cut) {
					text.append("\n[cut: the body is longer than ").append(resource.maxResponseSize().toKilobytes())
						.append("KB]");
				}
				return text.toString();
			}));
	}

	/** The first {@code max} bytes of a body, and whether more came; confined to one response's signals. */
	private static final class Capped {

		private final int max;

		private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

		private boolean cut;

		Capped(int max) {
			this.max = max;
		}

		void add(DataBuffer buffer) {
			try {
				int readable = buffer.readableByteCount();
				int room = max - bytes.size();
				byte[] chunk = new byte[Math.min(room, readable)];
				buffer.read(chunk);
				bytes.writeBytes(chunk);
				cut |= readable > room;
			}
			finally {
				DataBufferUtils.release(buffer);
			}
		}
	}

	/**
	 * The target under the base URL: a path that starts with one slash, with no dot segments, so that the token can
	 * only go where the resource's base URL points.
	 */
	static URI target(URI baseUrl, String path) {
		if (!path.startsWith("/") || path.startsWith("//") || path.contains("\\") || path.contains("#")) {
			throw new ToolFailure("'path' must start with a single '/' and have no fragment, e.g. /items?limit=10; it is "
					+ "appended to the resource's base URL");
		}
		String pathPart = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
		for (String segment : pathPart.split("/")) {
			String decoded = segment.replace("%2e", ".").replace("%2E", ".");
			if (decoded.equals(".") || decoded.equals("..")) {
				throw new ToolFailure("'path' may not contain '.' or '..' segments");
			}
		}
		String base = baseUrl.toString();
		base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
		URI target;
		try {
			target = new URI(base + path);
		}
		catch (URISyntaxException invalid) {
			throw new ToolFailure("'path' is not a valid URL path: " + invalid.getReason()
					+ " (percent-encode spaces and special characters)");
		}
		if (!baseUrl.getScheme().equals(target.getScheme()) || !baseUrl.getRawAuthority().equals(target.getRawAuthority())) {
			throw new ToolFailure("'path' must stay under the resource's base URL");
		}
		return target;
	}

	private static String justification(String given, String method, String path) {
		String text = given == null || given.isBlank() ? method + " " + path : given.strip();
		return text.length() <= MAX_JUSTIFICATION ? text : text.substring(0, MAX_JUSTIFICATION) + " …";
	}

	/** JSON goes as JSON; a string goes as it is, as JSON when it parses as an object or array, else as text. */
	private record Body(MediaType type, byte[] bytes) {

		static Body of(JsonNode body) {
			if (!body.isString()) {
				return new Body(MediaType.APPLICATION_JSON, JSON.writeValueAsBytes(body));
			}
			String text = body.stringValue();
			return new Body(isJsonDocument(text) ? MediaType.APPLICATION_JSON
					: new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8), text.getBytes(StandardCharsets.UTF_8));
		}

		private static boolean isJsonDocument(String text) {
			String trimmed = text.strip();
			if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) {
				return false;
			}
			try {
				JSON.readTree(trimmed);
				return true;
			}
			catch (JacksonException notJson) {
				return false;
			}
		}
	}

	/** Drops a body without downloading all of it (see {@code HttpFetchTool}). */
	private static Mono<Void> discard(ClientResponse response) {
		return response.bodyToFlux(DataBuffer.class).doOnNext(DataBufferUtils::release).take(1).then();
	}

	private static MediaType contentType(ClientResponse response) {
		try {
			return response.headers().contentType().orElse(null);
		}
		catch (InvalidMediaTypeException ex) {
			return null;
		}
	}

	private static Charset charset(MediaType type) {
		try {
			return type == null || type.getCharset() == null ? StandardCharsets.UTF_8 : type.getCharset();
		}
		catch (IllegalArgumentException ex) {
			return StandardCharsets.UTF_8;
		}
	}

	private static boolean isText(MediaType type) {
		String subtype = type.getSubtype().toLowerCase(Locale.ROOT);
		return switch (type.getType().toLowerCase(Locale.ROOT)) {
			case "text" -> true;
			case "application" -> TEXT_APPLICATION_TYPES.contains(subtype) || subtype.endsWith("+json")
					|| subtype.endsWith("+xml") || subtype.endsWith("+yaml");
			default -> false;
		};
	}

	private static String statusLine(ClientResponse response) {
		int status = response.statusCode().value();
		HttpStatus known = HttpStatus.resolve(status);
		return "HTTP " + status + (known == null ? "" : " " + known.getReasonPhrase());
	}

	/** Names what went wrong from the exception's kind only: its message could quote the request. */
	private static ToolFailure failure(String name, Throwable error) {
		Throwable root = error;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return new ToolFailure("calling resource '" + name + "' failed (" + root.getClass().getSimpleName() + ")");
	}
}
