package io.colony.worker.tool.http;

import io.colony.worker.tool.AgentTool;
import io.colony.worker.tool.ToolArguments;
import io.colony.worker.tool.ToolFailure;
import io.colony.worker.tool.ToolInvocation;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
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
import reactor.netty.http.client.PrematureCloseException;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * {@code http_fetch}: reads a text resource over HTTP(S) for the model, behind an allow-list of hosts.
 *
 * <p>Redirects are followed here rather than by the HTTP client so that every target is checked against
 * the allow-list too. The body is read up to {@code max-response-size}; a larger body, a binary one, a
 * host not allowed, a timeout or a connection problem fail the call with a {@link ToolFailure} that says
 * which. A non-2xx status is not a failure: the model reads the status line and the body.
 */
public final class HttpFetchTool implements AgentTool {

	public static final String NAME = "http_fetch";

	private static final String INPUT_SCHEMA = """
			{"type":"object","properties":{\
			"url":{"type":"string","description":"absolute http or https URL"},\
			"method":{"type":"string","enum":["GET","HEAD"],"description":"GET (default) for the body, HEAD for the status and headers only"}},\
			"required":["url"],"additionalProperties":false}""";

	private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

	private static final Set<String> TEXT_APPLICATION_TYPES = Set.of("json", "xml", "javascript", "ecmascript",
			"x-javascript", "yaml", "x-yaml", "toml", "x-ndjson", "ndjson", "csv", "sql", "graphql",
			"x-www-form-urlencoded", "x-sh", "x-httpd-php");

	private final HttpFetchProperties properties;

	private final AllowedHosts allowedHosts;

	private final WebClient webClient;

	/**
	 * @param webClients a builder to start from (Spring Boot's, for its observation and codecs); it is cloned,
	 * and its connector replaced by one that does not follow redirects by itself
	 */
	public HttpFetchTool(HttpFetchProperties properties, WebClient.Builder webClients) {
		this.properties = properties;
		this.allowedHosts = properties.allowList();
		HttpClient http = HttpClient.create()
			.followRedirect(false)
			.compress(true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, properties.timeout().toMillis()));
		this.webClient = webClients.clone().clientConnector(new ReactorClientHttpConnector(http)).build();
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public String description() {
		String hosts = properties.allowedHosts().isEmpty() ? "none (every URL is refused)"
				: String.join(", ", properties.allowedHosts());
		return "Fetches a URL with HTTP GET (or HEAD) and returns the status line, the content type and the body as "
				+ "text. Text responses only, up to " + properties.maxResponseSize().toKilobytes()
				+ "KB. Allowed hosts: " + hosts + ".";
	}

	@Override
	public String inputSchema() {
		return INPUT_SCHEMA;
	}

	@Override
	public Mono<String> call(ToolInvocation invocation) {
		return Mono.defer(() -> {
			ToolArguments arguments = ToolArguments.parse(invocation.arguments());
			HttpMethod method = method(arguments.optionalText("method"));
			URI url = url(arguments.requiredText("url"));
			allowedHosts.check(url);
			return fetch(method, url, 0)
				.timeout(properties.timeout(), Mono.error(() -> new ToolFailure(
						"no complete response from " + authority(url) + " within " + properties.timeout().toMillis()
								+ "ms")))
				.onErrorMap(ex -> !(ex instanceof ToolFailure), ex -> failure(url, ex));
		});
	}

	private Mono<String> fetch(HttpMethod method, URI url, int redirects) {
		return webClient.method(method)
			.uri(url)
			.header("Accept", "text/*, application/json, application/xml;q=0.9, */*;q=0.5")
			.<Hop>exchangeToMono(response -> {
				URI target;
				try {
					target = redirectTarget(url, response);
				}
				catch (ToolFailure invalid) {
					return discard(response).then(Mono.error(invalid));
				}
				if (target != null) {
					return discard(response).thenReturn((Hop) new Hop.Redirect(target));
				}
				return read(method, url, response).<Hop>map(Hop.Done::new);
			})
			.flatMap(hop -> switch (hop) {
				case Hop.Done done -> Mono.just(done.text());
				case Hop.Redirect redirect -> {
					if (redirects >= properties.maxRedirects()) {
						yield Mono.error(new ToolFailure("gave up after " + properties.maxRedirects()
								+ " redirects; the last one pointed to " + redirect.target()));
					}
					try {
						allowedHosts.check(redirect.target());
					}
					catch (ToolFailure refused) {
						yield Mono.error(new ToolFailure(
								"redirected to " + redirect.target() + ", which may not be fetched: " + refused.getMessage()));
					}
					yield fetch(method, redirect.target(), redirects + 1);
				}
			});
	}

	private sealed interface Hop {

		record Redirect(URI target) implements Hop {
		}

		record Done(String text) implements Hop {
		}
	}

	/** @return where a redirect points, or null when the response is not a redirect to follow */
	private static URI redirectTarget(URI url, ClientResponse response) {
		if (!REDIRECTS.contains(response.statusCode().value())) {
			return null;
		}
		String location = response.headers().asHttpHeaders().getFirst("Location");
		if (location == null || location.isBlank()) {
			return null;
		}
		try {
			return url.resolve(new URI(location.trim())).normalize();
		}
		catch (URISyntaxException | IllegalArgumentException ex) {
			throw new ToolFailure("redirected to an invalid location '" + location + "'");
		}
	}

	private Mono<String> read(HttpMethod method, URI url, ClientResponse response) {
		MediaType type = contentType(response);
		StringBuilder text = new StringBuilder().append(statusLine(response)).append('\n');
		text.append("URL: ").append(url).append('\n');
		text.append("Content-Type: ").append(type == null ? "(none)" : type.toString()).append('\n');
		long declared = response.headers().contentLength().orElse(-1);
		if (method == HttpMethod.HEAD) {
			if (declared >= 0) {
				text.append("Content-Length: ").append(declared).append('\n');
			}
			return discard(response).thenReturn(text.toString());
		}
		if (type != null && !isText(type)) {
			return discard(response).then(Mono.error(new ToolFailure("the response from " + authority(url)
					+ " is binary (" + type.getType() + "/" + type.getSubtype() + "); http_fetch returns text only")));
		}
		int max = (int) properties.maxResponseSize().toBytes();
		if (declared > max) {
			return discard(response).then(Mono.error(tooLarge(url, declared)));
		}
		return DataBufferUtils.join(response.bodyToFlux(DataBuffer.class), max)
			.map(HttpFetchTool::bytes)
			.defaultIfEmpty(new byte[0])
			.map(body -> text.append('\n').append(decode(url, type, body)).toString())
			.onErrorMap(DataBufferLimitException.class, ex -> tooLarge(url, -1));
	}

	private ToolFailure tooLarge(URI url, long declared) {
		return new ToolFailure("the response from " + authority(url) + " is larger than the limit of "
				+ properties.maxResponseSize().toKilobytes() + "KB" + (declared < 0 ? "" : " (" + declared + " bytes)"));
	}

	/**
	 * Drops a body without reading all of it: cancelling the subscription after its first buffer makes
	 * Reactor Netty close the connection, where {@code releaseBody()} (or not subscribing at all) would
	 * first download the rest, however large.
	 */
	private static Mono<Void> discard(ClientResponse response) {
		return response.bodyToFlux(DataBuffer.class).doOnNext(DataBufferUtils::release).take(1).then();
	}

	private static byte[] bytes(DataBuffer buffer) {
		try {
			byte[] bytes = new byte[buffer.readableByteCount()];
			buffer.read(bytes);
			return bytes;
		}
		finally {
			DataBufferUtils.release(buffer);
		}
	}

	/**
	 * Decodes with the declared charset, else UTF-8. Without a content type, the body counts as text only
	 * when it is valid UTF-8 without NUL characters.
	 */
	private static String decode(URI url, MediaType type, byte[] body) {
		if (type == null) {
			try {
				String text = StandardCharsets.UTF_8.newDecoder()
					.onMalformedInput(CodingErrorAction.REPORT)
					.onUnmappableCharacter(CodingErrorAction.REPORT)
					.decode(ByteBuffer.wrap(body))
					.toString();
				if (text.indexOf('\0') < 0) {
					return text;
				}
			}
			catch (CharacterCodingException ex) {
				// falls through to the refusal below
			}
			throw new ToolFailure("the response from " + authority(url)
					+ " has no content type and is not UTF-8 text; http_fetch returns text only");
		}
		CharBuffer text = charset(type).decode(ByteBuffer.wrap(body));
		return text.toString();
	}

	/** @return the declared type, or null when there is none or it cannot be read (the body is sniffed then) */
	private static MediaType contentType(ClientResponse response) {
		try {
			return response.headers().contentType().orElse(null);
		}
		catch (InvalidMediaTypeException ex) {
			return null;
		}
	}

	/** The declared charset, else UTF-8: also when the declared one is unknown to the JVM. */
	private static Charset charset(MediaType type) {
		try {
			return type.getCharset() == null ? StandardCharsets.UTF_8 : type.getCharset();
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
			case "image" -> subtype.equals("svg+xml");
			default -> false;
		};
	}

	private static String statusLine(ClientResponse response) {
		int status = response.statusCode().value();
		HttpStatus known = HttpStatus.resolve(status);
		return "HTTP " + status + (known == null ? "" : " " + known.getReasonPhrase());
	}

	private static HttpMethod method(String method) {
		if (method == null || method.equalsIgnoreCase("GET")) {
			return HttpMethod.GET;
		}
		if (method.equalsIgnoreCase("HEAD")) {
			return HttpMethod.HEAD;
		}
		throw new ToolFailure("method '" + method + "' is not supported; use GET or HEAD");
	}

	private static URI url(String text) {
		URI url;
		try {
			url = new URI(text.trim());
		}
		catch (URISyntaxException ex) {
			throw new ToolFailure("'" + text + "' is not a valid URL: " + ex.getReason()
					+ " (percent-encode spaces and special characters)");
		}
		if (!url.isAbsolute()) {
			throw new ToolFailure("'" + text + "' is not an absolute URL; write it as https://host/path");
		}
		return url;
	}

	private static String authority(URI url) {
		return url.getHost() + (url.getPort() == -1 ? "" : ":" + url.getPort());
	}

	/** Names what went wrong for the model; never quotes a server's body or an exception's stack. */
	private static ToolFailure failure(URI url, Throwable error) {
		String where = authority(url);
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			if (cause instanceof UnknownHostException) {
				return new ToolFailure("host '" + url.getHost() + "' could not be resolved", error);
			}
			if (cause instanceof ConnectTimeoutException) {
				return new ToolFailure("connecting to " + where + " timed out", error);
			}
			if (cause instanceof ConnectException) {
				return new ToolFailure("could not connect to " + where + " (connection refused)", error);
			}
			if (cause instanceof SSLException) {
				return new ToolFailure("the TLS handshake with " + where + " failed", error);
			}
			if (cause instanceof PrematureCloseException) {
				return new ToolFailure(where + " closed the connection before the response was complete", error);
			}
		}
		return new ToolFailure("fetching from " + where + " failed (" + error.getClass().getSimpleName() + ")", error);
	}
}
