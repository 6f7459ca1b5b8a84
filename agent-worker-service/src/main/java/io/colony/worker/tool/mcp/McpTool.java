package io.colony.worker.tool.mcp;

import io.colony.worker.tool.AgentTool;
import io.colony.worker.tool.ToolArguments;
import io.colony.worker.tool.ToolFailure;
import io.colony.worker.tool.ToolInvocation;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Content;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * One tool of an MCP server, as an {@link AgentTool} named {@code <server>_<tool>}. A call is one
 * {@code tools/call} request on the server's shared client; nothing waits on a thread.
 */
final class McpTool implements AgentTool {

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final Pattern NOT_ALLOWED_IN_NAMES = Pattern.compile("[^a-zA-Z0-9_-]");

	static final int MAX_NAME_LENGTH = 64;

	/** The longest error text of a server that is passed on to the model. */
	private static final int MAX_ERROR_LENGTH = 2000;

	private static final String EMPTY_SCHEMA = "{\"type\":\"object\",\"properties\":{}}";

	private final String name;

	private final String server;

	private final McpSchema.Tool tool;

	private final McpAsyncClient client;

	private final Duration timeout;

	private final String inputSchema;

	McpTool(String server, McpSchema.Tool tool, McpAsyncClient client, Duration timeout) {
		this.name = name(server, tool.name());
		this.server = server;
		this.tool = tool;
		this.client = client;
		this.timeout = timeout;
		this.inputSchema = tool.inputSchema() == null ? EMPTY_SCHEMA : JSON.writeValueAsString(tool.inputSchema());
	}

	/** {@code <server>_<tool>}, every character outside {@code [a-zA-Z0-9_-]} replaced by {@code _}, at most 64 long. */
	static String name(String server, String tool) {
		String name = NOT_ALLOWED_IN_NAMES.matcher(server + "_" + tool).replaceAll("_");
		return name.length() <= MAX_NAME_LENGTH ? name : name.substring(0, MAX_NAME_LENGTH);
	}

	@Override
	public String name() {
		return name;
	}

	/** The tool's name on its server. */
	String mcpName() {
		return tool.name();
	}

	@Override
	public String description() {
		if (tool.description() != null && !tool.description().isBlank()) {
			return tool.description();
		}
		return tool.title() != null && !tool.title().isBlank() ? tool.title()
				: "Tool '" + tool.name() + "' of the MCP server '" + server + "'.";
	}

	@Override
	public String inputSchema() {
		return inputSchema;
	}

	@Override
	public Mono<String> call(ToolInvocation invocation) {
		return Mono.defer(() -> {
			McpSchema.CallToolRequest request = new McpSchema.CallToolRequest(tool.name(),
					ToolArguments.parse(invocation.arguments()).asMap());
			return client.callTool(request);
		}).onErrorMap(error -> !(error instanceof ToolFailure), this::failure).map(this::text);
	}

	/**
	 * The result as the model reads it: the text of every content item, one after the other.
	 * @throws ToolFailure carrying that text when the server flags the result as an error
	 */
	String text(CallToolResult result) {
		List<Content> content = result.content() == null ? List.of() : result.content();
		String text;
		if (content.isEmpty() && result.structuredContent() != null) {
			text = JSON.writeValueAsString(result.structuredContent());
		}
		else {
			text = String.join("\n", content.stream().map(McpTool::text).toList());
		}
		if (Boolean.TRUE.equals(result.isError())) {
			throw new ToolFailure(text.isBlank() ? "the tool '" + name + "' failed without saying why" : shorten(text));
		}
		return text;
	}

	private static String text(Content content) {
		return switch (content) {
			case McpSchema.TextContent text -> text.text();
			case McpSchema.ImageContent image -> "[image " + image.mimeType() + ", not shown]";
			case McpSchema.AudioContent audio -> "[audio " + audio.mimeType() + ", not shown]";
			case McpSchema.EmbeddedResource embedded -> switch (embedded.resource()) {
				case McpSchema.TextResourceContents resource -> "[resource " + resource.uri() + "]\n" + resource.text();
				case McpSchema.ResourceContents resource ->
					"[resource " + resource.uri() + " (" + resource.mimeType() + "), binary, not shown]";
			};
			case McpSchema.ResourceLink link -> "[resource link " + link.uri()
					+ (link.description() == null ? "" : ": " + link.description()) + "]";
			default -> "[" + content.type() + " content, not shown]";
		};
	}

	private ToolFailure failure(Throwable error) {
		if (causedBy(error, TimeoutException.class)) {
			return new ToolFailure("the MCP server '" + server + "' did not answer within " + timeout.toMillis() + "ms",
					error);
		}
		if (error instanceof McpError mcp) {
			McpSchema.JSONRPCResponse.JSONRPCError rpc = mcp.getJsonRpcError();
			String message = rpc == null ? mcp.getMessage() : rpc.message();
			return new ToolFailure("the MCP server '" + server + "' rejected the call"
					+ (message == null ? "" : ": " + shorten(message)), error);
		}
		return new ToolFailure("the MCP server '" + server + "' failed (" + error.getClass().getSimpleName() + ")", error);
	}

	private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
		for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
			if (type.isInstance(cause)) {
				return true;
			}
		}
		return false;
	}

	private static String shorten(String text) {
		return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH) + "…";
	}
}
