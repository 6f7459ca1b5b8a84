package io.colony.worker.tool.mcp;

import io.colony.worker.tool.AgentTool;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tools of every configured MCP server, each as an {@link AgentTool} named {@code <server>_<tool>}.
 *
 * <p>One asynchronous client per server is connected at start-up and shared by every call; a stdio server
 * runs as a child process of the worker until {@link #close()}. A server that fails to start fails
 * {@link #start} with a message naming it, after the servers already started are closed again.
 */
public final class McpTools implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(McpTools.class);

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

	private final List<McpServerConnection> servers;

	private McpTools(List<McpServerConnection> servers) {
		this.servers = servers;
	}

	/**
	 * Connects every server, in parallel, and waits until all are initialised and have listed their tools.
	 * Blocks the calling thread: meant for start-up, where a worker without its tools must not start; each
	 * server's {@code request-timeout} bounds the wait.
	 * @throws IllegalStateException naming the first server that failed to start, and why
	 */
	public static McpTools start(McpServersProperties properties) {
		return connect(properties).block();
	}

	/** {@link #start}, without blocking. */
	public static Mono<McpTools> connect(McpServersProperties properties) {
		McpJsonMapper json = new JacksonMcpJsonMapper(JsonMapper.shared());
		List<McpServerConnection> servers = properties.servers()
			.entrySet()
			.stream()
			.sorted(Map.Entry.comparingByKey())
			.map(server -> new McpServerConnection(server.getKey(), server.getValue(), json))
			.toList();
		McpTools tools = new McpTools(servers);
		return Flux.fromIterable(servers)
			.flatMap(McpServerConnection::start)
			.then(Mono.just(tools))
			.onErrorResume(error -> tools.closeAll().then(Mono.error(error)));
	}

	/** The tools of every server as they are now, by name; a server may change its own later. */
	public List<AgentTool> tools() {
		return servers.stream()
			.flatMap(server -> server.tools().values().stream())
			.sorted(Comparator.comparing(McpTool::name))
			.map(AgentTool.class::cast)
			.toList();
	}

	/** @param name {@code <server>_<tool>}, as {@link AgentTool#name()} gives it */
	public Optional<AgentTool> tool(String name) {
		return servers.stream()
			.map(server -> server.tools().get(name))
			.filter(tool -> tool != null)
			.findFirst()
			.map(AgentTool.class::cast);
	}

	/** Ends every session and stops the stdio servers' processes; blocks up to a few seconds, for shutdown. */
	@Override
	public void close() {
		closeAll().block();
	}

	private Mono<Void> closeAll() {
		return Flux.fromIterable(servers)
			.flatMap(server -> server.close(CLOSE_TIMEOUT))
			.then()
			.doOnSuccess(closed -> log.debug("closed {} MCP servers", servers.size()));
	}
}
