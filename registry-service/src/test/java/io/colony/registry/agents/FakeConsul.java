package io.colony.registry.agents;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the parts of Consul's HTTP API the registry uses, behaving as Consul documents them: agent
 * service registration with a TTL check (critical when the TTL passes without a pass, deregistered after
 * {@code DeregisterCriticalServiceAfter}), {@code /v1/health/service/<name>} with the {@code passing} filter, KV
 * with base64 values and check-and-set, and blocking queries on both ({@code index} + {@code wait}, answered when
 * the {@code X-Consul-Index} moves past {@code index} or the wait elapses).
 */
final class FakeConsul implements AutoCloseable {

	private static final Pattern GO_DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

	private record Service(String id, String name, List<String> tags, Map<String, String> meta, String checkId,
			Duration ttl, Duration deregisterAfter, String status, Instant deadline, Instant criticalSince) {

		Service withStatus(String value, Instant now) {
			return new Service(id, name, tags, meta, checkId, ttl, deregisterAfter, value, now.plus(ttl),
					"critical".equals(value) ? now : null);
		}
	}

	private record Entry(byte[] value, long createIndex, long modifyIndex) {
	}

	/** Every request as "METHOD path?query", in arrival order. */
	final List<String> requests = new CopyOnWriteArrayList<>();

	/** The X-Consul-Token of every request (null when missing). */
	final List<String> tokens = new CopyOnWriteArrayList<>();

	private final JsonMapper json = JsonMapper.builder().build();

	private final Object lock = new Object();

	private final Map<String, Service> services = new TreeMap<>();

	private final TreeMap<String, Entry> kv = new TreeMap<>();

	private long index = 1;

	private long healthIndex = 1;

	private long kvIndex = 1;

	private final HttpServer server;

	private final ExecutorService handlers = Executors.newCachedThreadPool();

	private final ScheduledExecutorService ttlReaper = Executors.newSingleThreadScheduledExecutor();

	private FakeConsul(HttpServer server) {
		this.server = server;
	}

	static FakeConsul start() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			FakeConsul consul = new FakeConsul(server);
			server.createContext("/", consul::handle);
			server.setExecutor(consul.handlers);
			server.start();
			consul.ttlReaper.scheduleWithFixedDelay(consul::expireChecks, 50, 50, TimeUnit.MILLISECONDS);
			return consul;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	URI url() {
		return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
	}

	/** The ids of the services registered under {@code name}. */
	List<String> servicesNamed(String name) {
		synchronized (lock) {
			return services.values().stream().filter(service -> service.name().equals(name)).map(Service::id).toList();
		}
	}

	/** The registration of a service as Consul's agent holds it, or null. */
	Map<String, Object> service(String id) {
		synchronized (lock) {
			Service service = services.get(id);
			if (service == null) {
				return null;
			}
			Map<String, Object> view = new LinkedHashMap<>();
			view.put("Tags", service.tags());
			view.put("Meta", service.meta());
			view.put("Status", service.status());
			view.put("TTL", service.ttl());
			return view;
		}
	}

	/** The raw value stored under a KV key, or null. */
	String value(String key) {
		synchronized (lock) {
			Entry entry = kv.get(key);
			return entry == null ? null : new String(entry.value(), StandardCharsets.UTF_8);
		}
	}

	private void handle(HttpExchange exchange) throws IOException {
		try {
			handleOrFail(exchange);
		}
		catch (RuntimeException bad) {
			// as Consul answers a request it cannot parse
			System.err.println("FakeConsul: " + exchange.getRequestMethod() + " " + exchange.getRequestURI() + ": " + bad);
			respond(exchange, 400, String.valueOf(bad.getMessage()), -1);
		}
	}

	private void handleOrFail(HttpExchange exchange) throws IOException {
		try (exchange) {
			String path = exchange.getRequestURI().getRawPath();
			String rawQuery = exchange.getRequestURI().getRawQuery();
			requests.add(exchange.getRequestMethod() + " " + path + (rawQuery == null ? "" : "?" + rawQuery));
			tokens.add(exchange.getRequestHeaders().getFirst("X-Consul-Token"));
			Map<String, String> query = query(rawQuery);
			String method = exchange.getRequestMethod();
			if (method.equals("PUT") && path.equals("/v1/agent/service/register")) {
				register(json.readTree(exchange.getRequestBody().readAllBytes()));
				respond(exchange, 200, "", -1);
			}
			else if (method.equals("PUT") && path.startsWith("/v1/agent/check/pass/")) {
				boolean known = pass(decode(path.substring("/v1/agent/check/pass/".length())));
				respond(exchange, known ? 200 : 404, known ? "" : "Unknown check ID", -1);
			}
			else if (method.equals("PUT") && path.startsWith("/v1/agent/service/deregister/")) {
				boolean known = deregister(decode(path.substring("/v1/agent/service/deregister/".length())));
				respond(exchange, known ? 200 : 404, known ? "" : "Unknown service ID", -1);
			}
			else if (method.equals("GET") && path.startsWith("/v1/health/service/")) {
				health(exchange, decode(path.substring("/v1/health/service/".length())), query);
			}
			else if (path.startsWith("/v1/kv/")) {
				String key = decode(path.substring("/v1/kv/".length()));
				if (method.equals("PUT")) {
					respond(exchange, 200, Boolean.toString(put(key, exchange.getRequestBody().readAllBytes(),
							query.containsKey("cas") ? Long.parseLong(query.get("cas")) : null)), -1);
				}
				else {
					kvGet(exchange, key, query);
				}
			}
			else {
				respond(exchange, 404, "no such endpoint in the stand-in", -1);
			}
		}
	}

	private void register(JsonNode body) {
		JsonNode check = body.path("Check");
		String id = body.path("ID").asString();
		// a check without a TTL (Spring Cloud Consul registers services with an HTTP one) is not run by the
		// stand-in: passing
		boolean httpCheck = check.path("TTL").asString("").isEmpty();
		Duration ttl = httpCheck ? Duration.ofDays(365) : goDuration(check.path("TTL").asString());
		List<String> tags = new ArrayList<>();
		body.path("Tags").forEach(tag -> tags.add(tag.asString()));
		Map<String, String> meta = new LinkedHashMap<>();
		body.path("Meta").properties().forEach(field -> meta.put(field.getKey(), field.getValue().asString()));
		String checkId = check.path("CheckID").asString("service:" + id);
		String status = httpCheck ? "passing" : check.path("Status").asString("critical");
		Instant now = Instant.now();
		synchronized (lock) {
			services.put(id, new Service(id, body.path("Name").asString(), List.copyOf(tags), Map.copyOf(meta), checkId,
					ttl, goDuration(check.path("DeregisterCriticalServiceAfter").asString("").isEmpty() ? "0s"
							: check.path("DeregisterCriticalServiceAfter").asString()), status, now.plus(ttl),
					"critical".equals(status) ? now : null));
			healthIndex = ++index;
			lock.notifyAll();
		}
	}

	private boolean pass(String checkId) {
		synchronized (lock) {
			for (Service service : services.values()) {
				if (service.checkId().equals(checkId)) {
					boolean changed = !service.status().equals("passing");
					services.put(service.id(), service.withStatus("passing", Instant.now()));
					// as Consul: a pass that changes nothing does not move the index
					if (changed) {
						healthIndex = ++index;
						lock.notifyAll();
					}
					return true;
				}
			}
			return false;
		}
	}

	private boolean deregister(String id) {
		synchronized (lock) {
			boolean known = services.remove(id) != null;
			if (known) {
				healthIndex = ++index;
				lock.notifyAll();
			}
			return known;
		}
	}

	private void expireChecks() {
		Instant now = Instant.now();
		synchronized (lock) {
			boolean changed = false;
			for (Service service : new ArrayList<>(services.values())) {
				if (service.status().equals("passing") && now.isAfter(service.deadline())) {
					services.put(service.id(), service.withStatus("critical", now));
					changed = true;
				}
				else if (service.status().equals("critical") && !service.deregisterAfter().isZero()
						&& service.criticalSince() != null && now.isAfter(service.criticalSince().plus(service.deregisterAfter()))) {
					services.remove(service.id());
					changed = true;
				}
			}
			if (changed) {
				healthIndex = ++index;
				lock.notifyAll();
			}
		}
	}

	private void health(HttpExchange exchange, String name, Map<String, String> query) throws IOException {
		boolean passingOnly = query.containsKey("passing") && !"false".equals(query.get("passing"));
		List<Map<String, Object>> entries = new ArrayList<>();
		long answeredIndex;
		synchronized (lock) {
			awaitChange(query, () -> healthIndex);
			answeredIndex = healthIndex;
			for (Service service : services.values()) {
				if (!service.name().equals(name) || (passingOnly && !service.status().equals("passing"))) {
					continue;
				}
				Map<String, Object> serviceView = new LinkedHashMap<>();
				serviceView.put("ID", service.id());
				serviceView.put("Service", service.name());
				serviceView.put("Tags", service.tags());
				serviceView.put("Meta", service.meta());
				serviceView.put("Address", "");
				serviceView.put("Port", 0);
				Map<String, Object> check = new LinkedHashMap<>();
				check.put("CheckID", service.checkId());
				check.put("Status", service.status());
				check.put("ServiceID", service.id());
				check.put("ServiceName", service.name());
				entries.add(Map.of("Node", Map.of("Node", "fake", "Address", "127.0.0.1"), "Service", serviceView,
						"Checks", List.of(check)));
			}
		}
		respond(exchange, 200, json.writeValueAsString(entries), answeredIndex);
	}

	private void kvGet(HttpExchange exchange, String key, Map<String, String> query) throws IOException {
		List<Map<String, Object>> entries = new ArrayList<>();
		long answeredIndex;
		synchronized (lock) {
			awaitChange(query, () -> kvIndex);
			answeredIndex = kvIndex;
			Map<String, Entry> matching = query.containsKey("recurse") ? kv.subMap(key, key + Character.MAX_VALUE)
					: (kv.containsKey(key) ? Map.of(key, kv.get(key)) : Map.of());
			matching.forEach((name, entry) -> {
				Map<String, Object> view = new LinkedHashMap<>();
				view.put("Key", name);
				view.put("Value", Base64.getEncoder().encodeToString(entry.value()));
				view.put("Flags", 0);
				view.put("LockIndex", 0);
				view.put("CreateIndex", entry.createIndex());
				view.put("ModifyIndex", entry.modifyIndex());
				entries.add(view);
			});
		}
		if (entries.isEmpty()) {
			respond(exchange, 404, "", answeredIndex);
		}
		else {
			respond(exchange, 200, json.writeValueAsString(entries), answeredIndex);
		}
	}

	/** {@code cas=0}: only if absent; {@code cas=N}: only if the key's ModifyIndex is N. */
	private boolean put(String key, byte[] value, Long cas) {
		synchronized (lock) {
			Entry existing = kv.get(key);
			if (cas != null && (cas == 0 ? existing != null : existing == null || existing.modifyIndex() != cas)) {
				return false;
			}
			long modified = ++index;
			kv.put(key, new Entry(value, existing == null ? modified : existing.createIndex(), modified));
			kvIndex = modified;
			lock.notifyAll();
			return true;
		}
	}

	/** A blocking query: waits (holding nothing but this handler's thread) until the index moved or wait elapsed. */
	private void awaitChange(Map<String, String> query, java.util.function.LongSupplier current) {
		if (!query.containsKey("index")) {
			return;
		}
		long seen = Long.parseLong(query.get("index"));
		Duration wait = query.containsKey("wait") ? goDuration(query.get("wait")) : Duration.ofMinutes(5);
		long deadline = System.nanoTime() + wait.toNanos();
		try {
			while (current.getAsLong() <= seen) {
				long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
				if (left <= 0) {
					return;
				}
				lock.wait(left);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void respond(HttpExchange exchange, int status, String body, long consulIndex) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		if (consulIndex > 0) {
			exchange.getResponseHeaders().set("X-Consul-Index", Long.toString(consulIndex));
		}
		exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
		if (bytes.length > 0) {
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(bytes);
			}
		}
	}

	static Duration goDuration(String text) {
		Matcher matcher = GO_DURATION.matcher(text);
		if (!matcher.matches()) {
			throw new IllegalArgumentException("not a duration Consul accepts here: " + text);
		}
		long amount = Long.parseLong(matcher.group(1));
		return switch (matcher.group(2)) {
			case "ms" -> Duration.ofMillis(amount);
			case "s" -> Duration.ofSeconds(amount);
			case "m" -> Duration.ofMinutes(amount);
			default -> Duration.ofHours(amount);
		};
	}

	private static Map<String, String> query(String raw) {
		Map<String, String> query = new HashMap<>();
		if (raw != null) {
			for (String pair : raw.split("&")) {
				int equals = pair.indexOf('=');
				query.put(decode(equals < 0 ? pair : pair.substring(0, equals)),
						equals < 0 ? "" : decode(pair.substring(equals + 1)));
			}
		}
		return query;
	}

	private static String decode(String value) {
		return URLDecoder.decode(value, StandardCharsets.UTF_8);
	}

	@Override
	public void close() {
		server.stop(0);
		ttlReaper.shutdownNow();
		handlers.shutdownNow();
	}
}
