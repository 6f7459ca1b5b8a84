package io.colony.worker.tool.mcp;

import com.sun.net.httpserver.HttpServer;
import io.colony.contracts.JobId;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import io.colony.platform.testing.Await;
import io.colony.worker.tool.AgentTool;
import io.colony.worker.tool.ToolFailure;
import io.colony.worker.tool.ToolInvocation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Against the real third-party MCP server {@code @modelcontextprotocol/server-everything}, installed from the
 * npm registry into {@code target/mcp-servers} (once; a later run reuses it) and run with {@code node}: over
 * stdio as the worker's child process, and over Streamable HTTP as a separate process.
 */
class McpToolsIntegrationTests {

	private static final String PACKAGE = "@modelcontextprotocol/server-everything";

	private static final String VERSION = "2026.1.26";

	private static final Path INSTALL_DIR = Path.of("target", "mcp-servers").toAbsolutePath();

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static Path entry;

	private static McpTools everything;

	@BeforeAll
	static void startServer() throws Exception {
		entry = install();
		McpServersProperties.Server server = new McpServersProperties.Server(McpServersProperties.Transport.STDIO, "node",
				List.of(entry.toString(), "stdio"), Map.of("COLONY_MCP_TEST", "visible"), null, null, null, null);
		everything = McpTools.start(new McpServersProperties(Map.of("everything", server)));
	}

	@AfterAll
	static void stopServer() {
		if (everything != null) {
			everything.close();
		}
	}

	@Test
	void listsTheServersToolsUnderItsName() {
		List<String> names = everything.tools().stream().map(AgentTool::name).toList();

		assertThat(names).contains("everything_echo", "everything_get-sum")
			.allMatch(name -> name.matches("[a-zA-Z0-9_-]{1,64}"));
		AgentTool echo = everything.tool("everything_echo").orElseThrow();
		assertThat(echo.description()).isEqualTo("Echoes back the input string");
		assertThat(JsonMapper.shared().readTree(echo.inputSchema()).at("/properties/message/type").stringValue())
			.isEqualTo("string");
		assertThat(everything.tool("everything_no-such-tool")).isEmpty();
	}

	@Test
	void aCallReturnsTheTextOfTheToolsResult() {
		assertThat(call("everything_echo", "{\"message\": \"hello from colony\"}")).isEqualTo("Echo: hello from colony");
		assertThat(call("everything_get-sum", "{\"a\": 2, \"b\": 3}")).isEqualTo("The sum of 2 and 3 is 5.");
	}

	@Test
	void aStdioServerSeesItsOwnVariablesAndOnlyTheBasicOnesOfTheWorker() {
		Set<String> variables = new HashSet<>(JsonMapper.shared().readTree(call("everything_get-env", "{}")).propertyNames());

		assertThat(variables).contains("COLONY_MCP_TEST", "PATH");
		assertThat(variables).isSubsetOf(union(McpServerConnection.INHERITED_ENVIRONMENT, Set.of("COLONY_MCP_TEST")));
	}

	@Test
	void manyConcurrentCallsShareTheOneSession() {
		List<String> echoes = Flux.range(0, 50)
			.flatMap(i -> everything.tool("everything_echo").orElseThrow()
				.call(invocation("{\"message\": \"call " + i + "\"}")), 50)
			.collectList()
			.block(WAIT);

		assertThat(echoes).hasSize(50).contains("Echo: call 0", "Echo: call 49").doesNotHaveDuplicates();
	}

	@Test
	void badArgumentsAreAFailureTheModelReadsAndTheServerCarriesOn() {
		assertThatThrownBy(() -> call("everything_get-sum", "{\"a\": \"two\", \"b\": 3}"))
			.isInstanceOf(ToolFailure.class)
			.hasMessageContaining("Invalid arguments for tool get-sum")
			.hasMessageContaining("Expected number, received string");
		assertThatThrownBy(() -> call("everything_get-sum", "{\"a\": 2, ")).isInstanceOf(ToolFailure.class)
			.hasMessageStartingWith("arguments are not valid JSON: ");

		assertThat(call("everything_get-sum", "{\"a\": 1, \"b\": 1}")).isEqualTo("The sum of 1 and 1 is 2.");
	}

	@Test
	void aCallLongerThanTheRequestTimeoutFails() {
		McpServersProperties.Server impatient = new McpServersProperties.Server(null, "node",
				List.of(entry.toString(), "stdio"), null, null, null, null, Duration.ofSeconds(3));
		try (McpTools tools = McpTools.start(new McpServersProperties(Map.of("slow", impatient)))) {
			AgentTool longRunning = tools.tool("slow_trigger-long-running-operation").orElseThrow();

			assertThatThrownBy(() -> longRunning.call(invocation("{\"duration\": 20, \"steps\": 2}")).block(WAIT))
				.isInstanceOf(ToolFailure.class)
				.hasMessage("the MCP server 'slow' did not answer within 3000ms");
		}
	}

	@Test
	void closingStopsTheServersProcess() {
		String marker = "colony-test-" + UUID.randomUUID();
		McpTools tools = McpTools.start(new McpServersProperties(Map.of("closing", stdio(marker))));
		assertThat(childProcessesWith(marker)).isEqualTo(1);

		tools.close();

		Await.until(WAIT, "the server process to exit", () -> childProcessesWith(marker) == 0);
	}

	@Test
	void aServerThatCannotStartFailsStartUpNamingItAndStopsTheOthers() throws IOException {
		String marker = "colony-test-" + UUID.randomUUID();
		McpServersProperties.Server missing = new McpServersProperties.Server(null, "colony-no-such-mcp-server", null,
				null, null, null, null, Duration.ofSeconds(10));

		assertThatThrownBy(() -> McpTools.start(new McpServersProperties(Map.of("good", stdio(marker), "broken", missing))))
			.isInstanceOf(IllegalStateException.class)
			.hasMessage("MCP server 'broken' (stdio: colony-no-such-mcp-server) failed to start: "
					+ "'colony-no-such-mcp-server' is not an executable file on the PATH");
		Await.until(WAIT, "the good server's process to exit", () -> childProcessesWith(marker) == 0);

		McpServersProperties.Server silent = new McpServersProperties.Server(null, "node",
				List.of("-e", "setTimeout(() => {}, 60000)"), null, null, null, null, Duration.ofSeconds(2));
		assertThatThrownBy(() -> McpTools.start(new McpServersProperties(Map.of("silent", silent))))
			.isInstanceOf(IllegalStateException.class)
			.hasMessage("MCP server 'silent' (stdio: node) failed to start: no answer within 2000ms");

		int closedPort = closedPort();
		McpServersProperties.Server nowhere = new McpServersProperties.Server(null, null, null, null,
				"http://127.0.0.1:" + closedPort, null, null, Duration.ofSeconds(10));
		assertThatThrownBy(() -> McpTools.start(new McpServersProperties(Map.of("nowhere", nowhere))))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageStartingWith("MCP server 'nowhere' (streamable-http: http://127.0.0.1:" + closedPort
					+ "/mcp) failed to start: ");
	}

	@Test
	void callsToolsOfAServerOverStreamableHttp() throws Exception {
		int port = closedPort();
		Path log = INSTALL_DIR.resolve("streamable-http-" + port + ".log");
		ProcessBuilder builder = new ProcessBuilder("node", entry.toString(), "streamableHttp").redirectErrorStream(true)
			.redirectOutput(log.toFile());
		builder.environment().put("PORT", String.valueOf(port));
		Process server = builder.start();
		try {
			Await.until(WAIT, "the Streamable HTTP server to listen on port " + port,
					() -> read(log).contains("listening on port " + port));
			McpServersProperties.Server http = new McpServersProperties.Server(
					McpServersProperties.Transport.STREAMABLE_HTTP, null, null, null, "http://127.0.0.1:" + port, null,
					Map.of("X-Colony-Test", "yes"), null);

			try (McpTools tools = McpTools.start(new McpServersProperties(Map.of("remote", http)))) {
				assertThat(tools.tools()).extracting(AgentTool::name).contains("remote_echo", "remote_get-sum");
				assertThat(tools.tool("remote_echo").orElseThrow().call(invocation("{\"message\": \"over http\"}")).block(WAIT))
					.isEqualTo("Echo: over http");
				assertThatThrownBy(() -> tools.tool("remote_get-sum").orElseThrow()
					.call(invocation("{\"a\": \"two\"}"))
					.block(WAIT)).isInstanceOf(ToolFailure.class);
			}
		}
		finally {
			server.destroy();
			if (!server.waitFor(10, TimeUnit.SECONDS)) {
				server.destroyForcibly();
			}
		}
	}

	@Test
	void theConfiguredHeadersGoWithEveryRequestToAStreamableHttpServer() throws IOException {
		List<String> authorizations = new CopyOnWriteArrayList<>();
		HttpServer refusing = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		refusing.createContext("/mcp", exchange -> {
			authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
			exchange.sendResponseHeaders(403, -1);
			exchange.close();
		});
		refusing.start();
		try {
			McpServersProperties.Server http = new McpServersProperties.Server(null, null, null, null,
					"http://127.0.0.1:" + refusing.getAddress().getPort(), null,
					Map.of("Authorization", "Bearer test-token"), Duration.ofSeconds(10));

			assertThatThrownBy(() -> McpTools.start(new McpServersProperties(Map.of("guarded", http))))
				.isInstanceOf(IllegalStateException.class)
				.hasMessageStartingWith("MCP server 'guarded' (streamable-http: http://127.0.0.1:"
						+ refusing.getAddress().getPort() + "/mcp) failed to start: ")
				.hasMessageNotContaining("test-token");
			assertThat(authorizations).isNotEmpty().containsOnly("Bearer test-token");
		}
		finally {
			refusing.stop(0);
		}
	}

	@Test
	void withoutServersThereAreNoTools() {
		try (McpTools none = McpTools.start(new McpServersProperties(null))) {
			assertThat(none.tools()).isEmpty();
			assertThat(none.tool("everything_echo")).isEmpty();
		}
	}

	private static String call(String tool, String arguments) {
		return everything.tool(tool).orElseThrow().call(invocation(arguments)).block(WAIT);
	}

	private static Set<String> union(Set<String> a, Set<String> b) {
		Set<String> union = new HashSet<>(a);
		union.addAll(b);
		return union;
	}

	private static ToolInvocation invocation(String arguments) {
		return new ToolInvocation(JobId.random(), TaskId.random(), new TenantId("acme"), 1, 1, arguments);
	}

	/** server-everything reads only its first argument; a second one marks the process for the test to find. */
	private static McpServersProperties.Server stdio(String marker) {
		List<String> args = marker == null ? List.of(entry.toString(), "stdio") : List.of(entry.toString(), "stdio", marker);
		return new McpServersProperties.Server(McpServersProperties.Transport.STDIO, "node", args, null, null, null,
				null, null);
	}

	private static long childProcessesWith(String marker) {
		return ProcessHandle.current()
			.descendants()
			.filter(ProcessHandle::isAlive)
			.filter(process -> process.info().arguments().map(List::of).orElse(List.of()).contains(marker))
			.count();
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			return socket.getLocalPort();
		}
	}

	private static String read(Path file) {
		try {
			return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Installs the pinned server once into {@code target/mcp-servers}; @return its entry file */
	static Path install() throws Exception {
		Path home = INSTALL_DIR.resolve("node_modules").resolve(PACKAGE);
		Path entry = home.resolve("dist").resolve("index.js");
		Path packageJson = home.resolve("package.json");
		if (Files.exists(entry) && Files.exists(packageJson)
				&& VERSION.equals(JsonMapper.shared().readTree(packageJson.toFile()).path("version").stringValue(null))) {
			return entry;
		}
		Files.createDirectories(INSTALL_DIR);
		Path log = INSTALL_DIR.resolve("npm-install.log");
		Process npm = new ProcessBuilder("npm", "install", "--prefix", INSTALL_DIR.toString(), "--no-audit", "--no-fund",
				"--loglevel=error", PACKAGE + "@" + VERSION)
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		if (!npm.waitFor(5, TimeUnit.MINUTES)) {
			npm.destroyForcibly();
			throw new IllegalStateException("npm install of " + PACKAGE + "@" + VERSION + " took over 5 minutes; see " + log);
		}
		if (npm.exitValue() != 0 || !Files.exists(entry)) {
			throw new IllegalStateException("npm install of " + PACKAGE + "@" + VERSION + " failed (exit "
					+ npm.exitValue() + "):\n" + read(log));
		}
		return entry;
	}
}
