package io.colony.benchmarks.system;

import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A stand-in for a Zipkin server's collector: {@code POST /api/v2/spans} with a JSON array of v2 spans, as
 * Zipkin documents it (https://zipkin.io/zipkin-api/#/default/post_spans), answered with 202. Keeps every
 * span it receives; the real Zipkin server cannot be installed on the test machine.
 */
final class ZipkinCollector implements AutoCloseable {

	record ReceivedSpan(String traceId, String id, String parentId, String name, String serviceName) {
	}

	private final HttpServer server;

	private final List<ReceivedSpan> spans = new ArrayList<>();

	private final JsonMapper json = JsonMapper.builder().build();

	ZipkinCollector() throws IOException {
		server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
		server.createContext("/api/v2/spans", exchange -> {
			try (exchange) {
				if (!"POST".equals(exchange.getRequestMethod())) {
					exchange.sendResponseHeaders(405, -1);
					return;
				}
				InputStream body = exchange.getRequestBody();
				if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
					body = new GZIPInputStream(body);
				}
				JsonNode array = json.readTree(body.readAllBytes());
				synchronized (spans) {
					for (JsonNode span : array) {
						spans.add(new ReceivedSpan(span.path("traceId").asString(""), span.path("id").asString(""),
								span.path("parentId").asString(null), span.path("name").asString(""),
								span.path("localEndpoint").path("serviceName").asString("")));
					}
				}
				exchange.sendResponseHeaders(202, -1);
			}
		});
		server.start();
	}

	String endpoint() {
		return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v2/spans";
	}

	List<ReceivedSpan> trace(String traceId) {
		synchronized (spans) {
			return spans.stream().filter(span -> span.traceId().equals(traceId)).toList();
		}
	}

	@Override
	public void close() {
		server.stop(0);
	}
}
