package io.colony.worker.tool.mcp;

import io.colony.worker.tool.ToolFailure;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Naming, result conversion and settings, without a server. */
class McpToolsTests {

	@Test
	void aToolIsNamedAfterItsServerAndItselfWithinTheCharactersModelsAccept() {
		assertThat(McpTool.name("everything", "get-sum")).isEqualTo("everything_get-sum");
		assertThat(McpTool.name("fs", "read.file v2")).isEqualTo("fs_read_file_v2");
		assertThat(McpTool.name("fs", "x".repeat(100))).hasSize(64).startsWith("fs_xxx").matches("[a-zA-Z0-9_-]{1,64}");
	}

	@Test
	void theResultIsTheTextOfEveryContentItem() {
		CallToolResult result = CallToolResult.builder()
			.content(List.of(new McpSchema.TextContent("first"), new McpSchema.ImageContent(null, "AAAA", "image/png"),
					new McpSchema.EmbeddedResource(null,
							new McpSchema.TextResourceContents("file:///notes.txt", "text/plain", "a note")),
					new McpSchema.EmbeddedResource(null,
							new McpSchema.BlobResourceContents("file:///a.bin", "application/octet-stream", "AAAA"))))
			.build();

		assertThat(tool().text(result)).isEqualTo("""
				first
				[image image/png, not shown]
				[resource file:///notes.txt]
				a note
				[resource file:///a.bin (application/octet-stream), binary, not shown]""");
	}

	@Test
	void structuredContentStandsInForMissingContent() {
		CallToolResult result = CallToolResult.builder().structuredContent(Map.of("sum", 5)).build();

		assertThat(tool().text(result)).isEqualTo("{\"sum\":5}");
	}

	@Test
	void aResultFlaggedAsAnErrorIsAFailureWithItsText() {
		CallToolResult error = CallToolResult.builder()
			.content(List.of(new McpSchema.TextContent("no such file: /x")))
			.isError(true)
			.build();
		CallToolResult silentError = CallToolResult.builder().content(List.of()).isError(true).build();

		assertThatThrownBy(() -> tool().text(error)).isInstanceOf(ToolFailure.class).hasMessage("no such file: /x");
		assertThatThrownBy(() -> tool().text(silentError)).isInstanceOf(ToolFailure.class)
			.hasMessage("the tool 'fs_read_file' failed without saying why");
	}

	@Test
	void theSchemaAndDescriptionComeFromTheMcpTool() {
		McpTool tool = tool();

		assertThat(tool.name()).isEqualTo("fs_read_file");
		assertThat(tool.description()).isEqualTo("Reads a file");
		assertThat(JsonMapper.shared().readTree(tool.inputSchema()))
			.isEqualTo(JsonMapper.shared().readTree("{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}}}"));
	}

	@Test
	void serversBindFromPropertiesWithEitherTransport() {
		Map<String, String> source = Map.of(
				"colony.worker.mcp.servers.files.transport", "stdio",
				"colony.worker.mcp.servers.files.command", "node",
				"colony.worker.mcp.servers.files.args[0]", "server.js",
				"colony.worker.mcp.servers.files.env.API_TOKEN", "secret-value",
				"colony.worker.mcp.servers.remote.transport", "streamable-http",
				"colony.worker.mcp.servers.remote.url", "http://127.0.0.1:3001",
				"colony.worker.mcp.servers.remote.headers.Authorization", "Bearer secret-token",
				"colony.worker.mcp.servers.remote.request-timeout", "5s");

		McpServersProperties properties = new Binder(new MapConfigurationPropertySource(source))
			.bind("colony.worker.mcp", McpServersProperties.class)
			.get();

		McpServersProperties.Server files = properties.servers().get("files");
		assertThat(files.transport()).isEqualTo(McpServersProperties.Transport.STDIO);
		assertThat(files.args()).containsExactly("server.js");
		assertThat(files.env()).containsEntry("API_TOKEN", "secret-value");
		assertThat(files.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
		McpServersProperties.Server remote = properties.servers().get("remote");
		assertThat(remote.transport()).isEqualTo(McpServersProperties.Transport.STREAMABLE_HTTP);
		assertThat(remote.endpoint()).isEqualTo("/mcp");
		assertThat(remote.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
		assertThat(properties.toString()).doesNotContain("secret").contains("API_TOKEN", "Authorization");
	}

	@Test
	void theTransportFollowsFromWhatIsSetWhenLeftOut() {
		assertThat(server(null, "node", null).transport()).isEqualTo(McpServersProperties.Transport.STDIO);
		assertThat(server(null, null, "https://mcp.example.com").transport())
			.isEqualTo(McpServersProperties.Transport.STREAMABLE_HTTP);
	}

	@Test
	void aServerThatCannotBeReachedIsRejectedNamingItsSetting() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new McpServersProperties(Map.of("fs", server(McpServersProperties.Transport.STDIO, null, null))))
			.withMessage("colony.worker.mcp.servers.fs.command must be set for the stdio transport");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new McpServersProperties(
					Map.of("web", server(McpServersProperties.Transport.STREAMABLE_HTTP, null, "ftp://x"))))
			.withMessage("colony.worker.mcp.servers.web.url must be an absolute http or https URL");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new McpServersProperties(Map.of("both", server(null, "node", "http://x"))))
			.withMessage("colony.worker.mcp.servers.both.transport must be set to stdio or streamable-http");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new McpServersProperties(Map.of("my_fs", server(null, "node", null))))
			.withMessageContaining("invalid name 'my_fs': use letters, digits and dashes");
	}

	private static McpServersProperties.Server server(McpServersProperties.Transport transport, String command,
			String url) {
		return new McpServersProperties.Server(transport, command, null, null, url, null, null, null);
	}

	private static McpTool tool() {
		McpSchema.Tool tool = McpSchema.Tool.builder()
			.name("read_file")
			.description("Reads a file")
			.inputSchema(Map.of("type", "object", "properties", Map.of("path", Map.of("type", "string"))))
			.build();
		return new McpTool("fs", tool, null, Duration.ofSeconds(1));
	}
}
