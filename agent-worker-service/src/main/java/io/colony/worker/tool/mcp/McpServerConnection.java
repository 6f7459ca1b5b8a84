package io.colony.worker.tool.mcp;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;

/**
 * One MCP server: its asynchronous client, shared by every call, and its tools as they were last listed.
 * The list is replaced when the server announces that its tools changed.
 */
final class McpServerConnection {

	private static final Logger log = LoggerFactory.getLogger(McpServerConnection.class);

	private static final McpSchema.Implementation CLIENT = new McpSchema.Implementation("colony-agent-worker", "1.0.0");

	/** How many of a stdio server's last standard-error lines are kept to log when it fails to start. */
	private static final int STDERR_LINES = 20;

	private final String name;

	private final McpServersProperties.Server settings;

	private final McpAsyncClient client;

	private final Deque<String> lastErrorLines = new ArrayDeque<>();

	private volatile Map<String, McpTool> tools = Map.of();

	private boolean changedSinceStart;

	McpServerConnection(String name, McpServersProperties.Server settings, McpJsonMapper json) {
		this.name = name;
		this.settings = settings;
		this.client = McpClient.async(transport(json))
			.clientInfo(CLIENT)
			.requestTimeout(settings.requestTimeout())
			.initializationTimeout(settings.requestTimeout())
			.toolsChangeConsumer(changed -> Mono.fromRunnable(() -> {
				toolsChanged(changed);
				log.info("MCP server '{}' changed its tools; it now offers {}", name, new TreeSet<>(tools.keySet()));
			}))
			.build();
	}

	private McpClientTransport transport(McpJsonMapper json) {
		return switch (settings.transport()) {
			case STDIO -> {
				ServerParameters parameters = ServerParameters.builder(settings.command())
					.args(settings.args())
					.env(settings.env())
					.build();
				StdioClientTransport stdio = new IsolatedStdioTransport(parameters, json);
				stdio.setStdErrorHandler(this::stderr);
				yield stdio;
			}
			case STREAMABLE_HTTP -> {
				Map<String, String> headers = settings.headers();
				McpSyncHttpClientRequestCustomizer addHeaders = (request, method, endpoint, body, context) -> headers
					.forEach(request::setHeader);
				yield HttpClientStreamableHttpTransport.builder(settings.url())
					.endpoint(settings.endpoint())
					.jsonMapper(json)
					.connectTimeout(settings.requestTimeout())
					.httpRequestCustomizer(addHeaders)
					.build();
			}
		};
	}

	/**
	 * The variables of the worker's environment a stdio server inherits: what a program needs to run, as the
	 * MCP SDKs for TypeScript and Python pass on. Everything else (the worker's own secrets, such as an LLM API
	 * key) stays out; a server's {@code env} setting adds what it needs.
	 */
	static final Set<String> INHERITED_ENVIRONMENT = Set.of("HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER", "LANG",
			"LC_ALL", "LC_CTYPE", "TMPDIR", "TZ", "APPDATA", "HOMEDRIVE", "HOMEPATH", "LOCALAPPDATA", "PATHEXT",
			"PROCESSOR_ARCHITECTURE", "SYSTEMDRIVE", "SYSTEMROOT", "TEMP", "USERNAME", "USERPROFILE", "ComSpec");

	/** The SDK's stdio transport, starting the process without the worker's environment. */
	private static final class IsolatedStdioTransport extends StdioClientTransport {

		IsolatedStdioTransport(ServerParameters parameters, McpJsonMapper json) {
			super(parameters, json);
		}

		@Override
		protected ProcessBuilder getProcessBuilder() {
			ProcessBuilder builder = super.getProcessBuilder();
			builder.environment().keySet().retainAll(INHERITED_ENVIRONMENT);
			return builder;
		}
	}

	/** Initialises the session and lists the tools; fails with a message naming the server. */
	Mono<McpServerConnection> start() {
		String failedToStart = "MCP server '" + name + "' (" + settings.describe() + ") failed to start: ";
		if (settings.transport() == McpServersProperties.Transport.STDIO && !isRunnable(settings.command())) {
			// the client would only notice when its initialisation times out
			return Mono.error(new IllegalStateException(failedToStart + "'" + settings.command()
					+ "' is not an executable file" + (settings.command().contains("/") ? "" : " on the PATH")));
		}
		return client.initialize()
			.then(Mono.defer(this::listTools))
			.doOnNext(this::toolsListed)
			.doOnNext(listed -> log.info("MCP server '{}' ({}) offers {} tools: {}", name, settings.describe(),
					tools.size(), new TreeSet<>(tools.keySet())))
			.thenReturn(this)
			.onErrorMap(error -> {
				List<String> stderr = lastErrorLines();
				if (!stderr.isEmpty()) {
					log.warn("MCP server '{}' failed to start; its last standard-error lines:\n{}", name,
							String.join("\n", stderr));
				}
				return new IllegalStateException(failedToStart + reason(error, settings.requestTimeout()), error);
			});
	}

	/** Whether a program can be started as {@code command}: a path to an executable, or one on the {@code PATH}. */
	static boolean isRunnable(String command) {
		if (command.contains("/") || command.contains(File.separator)) {
			return Files.isExecutable(Path.of(command));
		}
		String path = System.getenv("PATH");
		if (path == null || File.separatorChar == '\\') {
			// PATH lookup on Windows also tries PATHEXT; leave the check to the process start
			return true;
		}
		return Arrays.stream(path.split(File.pathSeparator))
			.filter(directory -> !directory.isBlank())
			.anyMatch(directory -> Files.isExecutable(Path.of(directory, command)));
	}

	private Mono<List<McpSchema.Tool>> listTools() {
		if (client.getServerCapabilities() == null || client.getServerCapabilities().tools() == null) {
			log.warn("MCP server '{}' offers no tools", name);
			return Mono.just(List.of());
		}
		return client.listTools()
			.expand(page -> page.nextCursor() == null ? Mono.empty() : client.listTools(page.nextCursor()))
			.flatMapIterable(McpSchema.ListToolsResult::tools)
			.collectList();
	}

	/**
	 * The list asked for at start-up. A list that came with a change notification in the meantime was asked
	 * for later, and wins.
	 */
	private synchronized void toolsListed(List<McpSchema.Tool> listed) {
		if (!changedSinceStart) {
			replaceTools(listed);
		}
	}

	private synchronized void toolsChanged(List<McpSchema.Tool> listed) {
		changedSinceStart = true;
		replaceTools(listed);
	}

	/**
	 * Two tools whose names differ only in characters a tool name cannot hold (or beyond its 64th) would get
	 * the same name; the first keeps it and the other is left out, with a warning.
	 */
	private void replaceTools(List<McpSchema.Tool> listed) {
		Map<String, McpTool> byName = new LinkedHashMap<>();
		for (McpSchema.Tool tool : listed) {
			McpTool agentTool = new McpTool(name, tool, client, settings.requestTimeout());
			McpTool earlier = byName.putIfAbsent(agentTool.name(), agentTool);
			if (earlier != null) {
				log.warn("MCP server '{}': tool '{}' is left out, its name '{}' is taken by '{}'", name, tool.name(),
						agentTool.name(), earlier.mcpName());
			}
		}
		tools = Map.copyOf(byName);
	}

	String name() {
		return name;
	}

	Map<String, McpTool> tools() {
		return tools;
	}

	/** Ends the session: a stdio server's process is stopped. Never fails. */
	Mono<Void> close(Duration timeout) {
		return client.closeGracefully()
			.timeout(timeout)
			.onErrorResume(error -> {
				log.warn("MCP server '{}' did not close gracefully ({}); closing it at once", name, reason(error, timeout));
				return Mono.fromRunnable(client::close);
			});
	}

	private void stderr(String line) {
		log.debug("MCP server '{}' stderr: {}", name, line);
		synchronized (lastErrorLines) {
			if (lastErrorLines.size() == STDERR_LINES) {
				lastErrorLines.removeFirst();
			}
			lastErrorLines.addLast(line);
		}
	}

	private List<String> lastErrorLines() {
		synchronized (lastErrorLines) {
			return List.copyOf(lastErrorLines);
		}
	}

	/** The innermost cause's type and message: what went wrong, without a stack trace. */
	static String reason(Throwable error, Duration timeout) {
		Throwable root = error;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		if (root instanceof TimeoutException) {
			return "no answer within " + timeout.toMillis() + "ms";
		}
		return root.getMessage() == null || root.getMessage().isBlank() ? root.getClass().getSimpleName()
				: root.getClass().getSimpleName() + ": " + root.getMessage();
	}
}
