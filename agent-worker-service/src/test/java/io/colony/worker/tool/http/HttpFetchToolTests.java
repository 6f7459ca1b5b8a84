package io.colony.worker.tool.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.colony.contracts.JobId;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import io.colony.worker.tool.ToolFailure;
import io.colony.worker.tool.ToolInvocation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.WebClient;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Against a real HTTP server on 127.0.0.1. */
class HttpFetchToolTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final CountDownLatch release = new CountDownLatch(1);

	private final AtomicLong endlessBytesWritten = new AtomicLong();

	private final CountDownLatch endlessStopped = new CountDownLatch(1);

	private ExecutorService executor;

	private HttpServer server;

	private String base;

	private HttpFetchTool tool;

	@BeforeEach
	void startServer() throws IOException {
		server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		executor = Executors.newCachedThreadPool();
		server.setExecutor(executor);
		server.createContext("/hello", exchange -> respond(exchange, 200, "text/plain; charset=utf-8", "hello, agent"));
		server.createContext("/missing", exchange -> respond(exchange, 404, "text/html", "<h1>no such page</h1>"));
		server.createContext("/latin1", exchange -> {
			byte[] body = "café".getBytes(StandardCharsets.ISO_8859_1);
			respond(exchange, 200, "text/plain; charset=ISO-8859-1", body, body.length);
		});
		server.createContext("/json", exchange -> respond(exchange, 200, "application/problem+json", "{\"a\":1}"));
		server.createContext("/untyped", exchange -> respond(exchange, 200, null, "plain words"));
		server.createContext("/untyped-binary", exchange -> {
			byte[] body = { (byte) 0x89, 'P', 'N', 'G', 0, 0, (byte) 0xff };
			respond(exchange, 200, null, body, body.length);
		});
		server.createContext("/big-declared", exchange -> {
			byte[] body = "x".repeat(4096).getBytes(StandardCharsets.US_ASCII);
			respond(exchange, 200, "text/plain", body, body.length);
		});
		server.createContext("/big-chunked", exchange -> {
			byte[] body = "x".repeat(4096).getBytes(StandardCharsets.US_ASCII);
			respond(exchange, 200, "text/plain", body, 0);
		});
		server.createContext("/endless-image", exchange -> {
			exchange.getResponseHeaders().set("Content-Type", "image/png");
			exchange.sendResponseHeaders(200, 0);
			byte[] chunk = new byte[8192];
			try (OutputStream out = exchange.getResponseBody()) {
				// bounded so that a client that never stops reading cannot keep this thread for ever
				while (endlessBytesWritten.get() < DataSize.ofMegabytes(512).toBytes()) {
					out.write(chunk);
					endlessBytesWritten.addAndGet(chunk.length);
				}
			}
			catch (IOException clientWentAway) {
				// what the test expects: the client closed the connection
			}
			finally {
				endlessStopped.countDown();
			}
		});
		server.createContext("/old", exchange -> redirect(exchange, 302, "/hello"));
		server.createContext("/loop", exchange -> redirect(exchange, 307, "/loop"));
		server.createContext("/away", exchange -> redirect(exchange, 301, "http://example.org/"));
		server.createContext("/stuck", exchange -> {
			try {
				release.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			respond(exchange, 200, "text/plain", "too late");
		});
		server.start();
		base = "http://127.0.0.1:" + server.getAddress().getPort();
		tool = tool(List.of("127.0.0.1:" + server.getAddress().getPort()), Duration.ofSeconds(10));
	}

	@AfterEach
	void stopServer() {
		release.countDown();
		server.stop(0);
		executor.shutdownNow();
	}

	@Test
	void returnsTheStatusLineTheContentTypeAndTheBody() {
		assertThat(call("{\"url\": \"" + base + "/hello\"}")).isEqualTo("""
				HTTP 200 OK
				URL: %s/hello
				Content-Type: text/plain;charset=utf-8

				hello, agent""".formatted(base));
	}

	@Test
	void anErrorStatusIsAResultTheModelReads() {
		assertThat(call("{\"url\": \"" + base + "/missing\"}")).startsWith("HTTP 404 Not Found\n")
			.endsWith("\n\n<h1>no such page</h1>");
	}

	@Test
	void decodesTheDeclaredCharsetAndAcceptsStructuredTextTypes() {
		assertThat(call("{\"url\": \"" + base + "/latin1\"}")).endsWith("\n\ncafé");
		assertThat(call("{\"url\": \"" + base + "/json\"}")).contains("Content-Type: application/problem+json")
			.endsWith("\n\n{\"a\":1}");
	}

	@Test
	void aBodyWithoutContentTypeIsTextOnlyWhenItIsUtf8() {
		assertThat(call("{\"url\": \"" + base + "/untyped\"}")).contains("Content-Type: (none)")
			.endsWith("\n\nplain words");
		failure("{\"url\": \"" + base + "/untyped-binary\"}", "has no content type and is not UTF-8 text");
	}

	@Test
	void headReturnsTheStatusAndHeadersOnly() {
		assertThat(call("{\"url\": \"" + base + "/hello\", \"method\": \"HEAD\"}")).isEqualTo("""
				HTTP 200 OK
				URL: %s/hello
				Content-Type: text/plain;charset=utf-8
				Content-Length: 12
				""".formatted(base));
	}

	@Test
	void followsARedirectToAnAllowedHost() {
		assertThat(call("{\"url\": \"" + base + "/old\"}")).startsWith("HTTP 200 OK\nURL: " + base + "/hello\n")
			.endsWith("hello, agent");
	}

	@Test
	void aRedirectToAHostNotAllowedFails() {
		failure("{\"url\": \"" + base + "/away\"}",
				"redirected to http://example.org/, which may not be fetched: host 'example.org' is not on the allow-list");
	}

	@Test
	void givesUpAfterTheMaximumNumberOfRedirects() {
		failure("{\"url\": \"" + base + "/loop\"}", "gave up after 5 redirects; the last one pointed to " + base + "/loop");
	}

	@Test
	void aHostNotOnTheAllowListIsRefusedBeforeAnyConnection() {
		failure("{\"url\": \"http://localhost:" + server.getAddress().getPort() + "/hello\"}",
				"host 'localhost:" + server.getAddress().getPort() + "' is not on the allow-list of http_fetch (allowed: 127.0.0.1:");
	}

	@Test
	void aBodyLargerThanTheLimitFailsWhetherDeclaredOrStreamed() {
		HttpFetchTool small = tool(List.of("127.0.0.1:" + server.getAddress().getPort()), Duration.ofSeconds(10),
				DataSize.ofKilobytes(1));

		assertThatThrownBy(() -> small.call(invocation("{\"url\": \"" + base + "/big-declared\"}")).block(WAIT))
			.isInstanceOf(ToolFailure.class)
			.hasMessage("the response from 127.0.0.1:%d is larger than the limit of 1KB (4096 bytes)",
					server.getAddress().getPort());
		assertThatThrownBy(() -> small.call(invocation("{\"url\": \"" + base + "/big-chunked\"}")).block(WAIT))
			.isInstanceOf(ToolFailure.class)
			.hasMessage("the response from 127.0.0.1:%d is larger than the limit of 1KB", server.getAddress().getPort());
	}

	@Test
	void aBinaryResponseIsRefusedWithoutDownloadingIt() throws InterruptedException {
		failure("{\"url\": \"" + base + "/endless-image\"}", "is binary (image/png); http_fetch returns text only");

		assertThat(endlessStopped.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the server saw the connection close").isTrue();
		assertThat(endlessBytesWritten.get()).isLessThan(DataSize.ofMegabytes(512).toBytes());
	}

	@Test
	void aServerThatDoesNotAnswerInTimeFails() {
		HttpFetchTool impatient = tool(List.of("127.0.0.1:" + server.getAddress().getPort()), Duration.ofMillis(300));

		assertThatThrownBy(() -> impatient.call(invocation("{\"url\": \"" + base + "/stuck\"}")).block(WAIT))
			.isInstanceOf(ToolFailure.class)
			.hasMessage("no complete response from 127.0.0.1:%d within 300ms", server.getAddress().getPort());
	}

	@Test
	void aRefusedConnectionFails() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
			closedPort = socket.getLocalPort();
		}
		HttpFetchTool tool = tool(List.of("127.0.0.1:" + closedPort), Duration.ofSeconds(10));

		assertThatThrownBy(() -> tool.call(invocation("{\"url\": \"http://127.0.0.1:" + closedPort + "/\"}")).block(WAIT))
			.isInstanceOf(ToolFailure.class)
			.hasMessage("could not connect to 127.0.0.1:%d (connection refused)", closedPort);
	}

	@Test
	void badArgumentsFailWithWhatToWriteInstead() {
		failure("{\"url\": ", "arguments are not valid JSON: ");
		failure("[\"" + base + "\"]", "arguments must be a JSON object, not an array");
		failure("{}", "argument 'url' is required");
		failure("{\"url\": 42}", "argument 'url' must be a string, not a number");
		failure("{\"url\": \"/hello\"}", "'/hello' is not an absolute URL");
		failure("{\"url\": \"http://127.0.0.1/a b\"}", "is not a valid URL");
		failure("{\"url\": \"" + base + "/hello\", \"method\": \"POST\"}", "method 'POST' is not supported; use GET or HEAD");
	}

	@Test
	void theDescriptionNamesTheAllowedHostsAndTheSchemaTheArguments() {
		assertThat(tool.name()).isEqualTo("http_fetch");
		assertThat(tool.description()).contains("Allowed hosts: 127.0.0.1:" + server.getAddress().getPort());
		assertThat(tool.inputSchema()).contains("\"required\":[\"url\"]");
	}

	@Test
	void settingsHaveDefaultsAndRejectNonsense() {
		HttpFetchProperties defaults = new HttpFetchProperties(null, null, null, null);
		assertThat(defaults.allowedHosts()).isEmpty();
		assertThat(defaults.maxResponseSize()).isEqualTo(DataSize.ofKilobytes(256));
		assertThat(defaults.timeout()).isEqualTo(Duration.ofSeconds(10));
		assertThat(defaults.maxRedirects()).isEqualTo(5);

		assertThatIllegalArgumentException().isThrownBy(() -> new HttpFetchProperties(List.of("gopher://x"), null, null, null))
			.withMessageContaining("allowed-hosts has an invalid entry 'gopher://x'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new HttpFetchProperties(null, null, Duration.ZERO, null))
			.withMessage("colony.worker.tools.http-fetch.timeout must be positive");
		assertThatIllegalArgumentException().isThrownBy(() -> new HttpFetchProperties(null, null, null, -1))
			.withMessage("colony.worker.tools.http-fetch.max-redirects must be between 0 and 20");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new HttpFetchProperties(null, DataSize.ofGigabytes(1), null, null))
			.withMessageContaining("max-response-size must be between 1B and");
	}

	private String call(String arguments) {
		return tool.call(invocation(arguments)).block(WAIT);
	}

	private void failure(String arguments, String message) {
		assertThatThrownBy(() -> call(arguments)).isInstanceOf(ToolFailure.class).hasMessageContaining(message);
	}

	private static HttpFetchTool tool(List<String> hosts, Duration timeout) {
		return tool(hosts, timeout, null);
	}

	private static HttpFetchTool tool(List<String> hosts, Duration timeout, DataSize maxResponseSize) {
		return new HttpFetchTool(new HttpFetchProperties(hosts, maxResponseSize, timeout, null), WebClient.builder());
	}

	static ToolInvocation invocation(String arguments) {
		return new ToolInvocation(JobId.random(), TaskId.random(), new TenantId("acme"), 1, 1, arguments);
	}

	private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		respond(exchange, status, type, bytes, bytes.length);
	}

	/** @param length the declared length, or 0 for a chunked body */
	private static void respond(HttpExchange exchange, int status, String type, byte[] body, long length)
			throws IOException {
		if (type != null) {
			exchange.getResponseHeaders().set("Content-Type", type);
		}
		boolean head = exchange.getRequestMethod().equals("HEAD");
		if (head) {
			exchange.getResponseHeaders().set("Content-Length", String.valueOf(length));
		}
		exchange.sendResponseHeaders(status, head ? -1 : length);
		try (OutputStream out = exchange.getResponseBody()) {
			if (!head) {
				out.write(body);
			}
		}
	}

	private static void redirect(HttpExchange exchange, int status, String location) throws IOException {
		exchange.getResponseHeaders().set("Location", location);
		exchange.sendResponseHeaders(status, -1);
		exchange.close();
	}
}
