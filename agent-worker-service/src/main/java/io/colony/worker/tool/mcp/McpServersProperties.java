package io.colony.worker.tool.mcp;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The MCP servers whose tools the worker's agents may call, by name: {@code colony.worker.mcp.servers.<name>.*}.
 * Each server's tools are offered as {@code <name>_<tool>}.
 *
 * @param servers by name: letters, digits and dashes, so that the name is an unambiguous prefix of its tools'
 * names; none by default
 */
@ConfigurationProperties("colony.worker.mcp")
public record McpServersProperties(Map<String, Server> servers) {

	private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9-]{1,32}");

	public McpServersProperties {
		servers = servers == null ? Map.of() : new TreeMap<>(servers);
		servers.forEach((name, server) -> {
			if (!NAME.matcher(name).matches()) {
				throw new IllegalArgumentException("colony.worker.mcp.servers has an invalid name '" + name
						+ "': use letters, digits and dashes, 1 to 32 characters");
			}
			server.validate(name);
		});
		servers = Map.copyOf(servers);
	}

	/** How the worker talks to a server. */
	public enum Transport {

		/** Starts the server as a child process and speaks JSON-RPC over its standard input and output. */
		STDIO,

		/** Connects to a running server over MCP's Streamable HTTP transport. */
		STREAMABLE_HTTP
	}

	/**
	 * One server.
	 *
	 * @param transport {@code stdio} or {@code streamable-http}; when left out, {@code stdio} if a command is set,
	 * {@code streamable-http} if a URL is
	 * @param command (stdio) the program to start, found on the {@code PATH} unless absolute
	 * @param args (stdio) its arguments
	 * @param env (stdio) variables added to the worker's environment for it; never logged
	 * @param url (streamable-http) the server's base URL, e.g. {@code http://127.0.0.1:3001}
	 * @param endpoint (streamable-http) the MCP endpoint's path under the URL; {@code /mcp} by default
	 * @param headers (streamable-http) sent with every request, e.g. {@code Authorization}; never logged
	 * @param requestTimeout the longest start-up and every request (a tool call included) may take; 30s by default
	 */
	public record Server(Transport transport, String command, List<String> args, Map<String, String> env, String url,
			String endpoint, Map<String, String> headers, Duration requestTimeout) {

		public Server {
			command = blankToNull(command);
			url = blankToNull(url);
			if (transport == null && (command == null) != (url == null)) {
				transport = command != null ? Transport.STDIO : Transport.STREAMABLE_HTTP;
			}
			args = args == null ? List.of() : List.copyOf(args);
			env = env == null ? Map.of() : Map.copyOf(env);
			endpoint = endpoint == null || endpoint.isBlank() ? "/mcp" : endpoint;
			headers = headers == null ? Map.of() : Map.copyOf(headers);
			requestTimeout = requestTimeout == null ? Duration.ofSeconds(30) : requestTimeout;
		}

		void validate(String name) {
			String prefix = "colony.worker.mcp.servers." + name;
			if (transport == null) {
				throw new IllegalArgumentException(prefix + ".transport must be set to stdio or streamable-http");
			}
			switch (transport) {
				case STDIO -> {
					if (command == null) {
						throw new IllegalArgumentException(prefix + ".command must be set for the stdio transport");
					}
				}
				case STREAMABLE_HTTP -> {
					if (url == null) {
						throw new IllegalArgumentException(prefix + ".url must be set for the streamable-http transport");
					}
					try {
						URI uri = new URI(url);
						if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())
								|| uri.getHost() == null) {
							throw new IllegalArgumentException(prefix + ".url must be an absolute http or https URL");
						}
					}
					catch (URISyntaxException ex) {
						throw new IllegalArgumentException(prefix + ".url is not a valid URL: " + ex.getReason());
					}
					if (!endpoint.startsWith("/")) {
						throw new IllegalArgumentException(prefix + ".endpoint must start with '/'");
					}
				}
			}
			if (requestTimeout.isNegative() || requestTimeout.isZero()) {
				throw new IllegalArgumentException(prefix + ".request-timeout must be positive");
			}
		}

		/** What start-up failures and logs name the server by: the program or the URL, never env or headers. */
		String describe() {
			return transport == Transport.STDIO ? "stdio: " + command : "streamable-http: " + withoutUserInfo(url) + endpoint;
		}

		/** Never prints arguments, environment values or header values: they are where secrets go. */
		@Override
		public String toString() {
			return "Server[" + describe() + ", " + args.size() + " args, env="
					+ env.keySet() + ", headers=" + headers.keySet() + ", requestTimeout=" + requestTimeout + "]";
		}

		private static String withoutUserInfo(String url) {
			try {
				URI uri = new URI(url);
				return uri.getRawUserInfo() == null ? url
						: new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
			}
			catch (URISyntaxException ex) {
				return "(invalid URL)";
			}
		}

		private static String blankToNull(String text) {
			return text == null || text.isBlank() ? null : text;
		}
	}
}
