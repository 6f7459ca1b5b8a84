package io.colony.benchmarks.bench;

import com.sun.net.httpserver.HttpServer;
import io.colony.benchmarks.cli.Args;
import io.colony.benchmarks.cli.CommandFailed;
import io.colony.benchmarks.client.ColonyClient;
import io.colony.benchmarks.client.JobWatch;
import io.colony.benchmarks.mesh.MeshLauncher;
import io.colony.benchmarks.mesh.MeshOptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code bench credential-revocation [--revocations 50] [--workers 2]}: how long an operator's revocation takes to
 * reach every worker. A job of {@code operator} agents makes N read-only calls to a resource, so the credential
 * service auto-grants N leases; the resource holds every call until the end, so that the job (whose end would end
 * its leases) is still running. Then each lease is revoked through the gateway's operator API, one after the other,
 * and the time from the revoke's answer until every worker's {@code colony.worker.credentials.revocations} counter
 * (Prometheus, polled every millisecond) has counted it is taken. Prints one JSON line: p50, p99 and max across
 * revocations of the slowest worker, and how many took longer than the 2 s the mesh promises.
 */
public final class CredentialRevocationBench {

	private static final String TENANT = "bench";

	private static final String COUNTER = "colony_worker_credentials_revocations_total";

	private CredentialRevocationBench() {
	}

	public static int run(Args args, PrintStream out, PrintStream err) {
		int revocations = args.integer("revocations", 50, 1, 5_000);
		int workers = args.integer("workers", 2, 1, 20);
		int basePort = args.integer("base-port", 28_080, 1024, 65_000);
		Duration timeout = Duration.ofSeconds(args.integer("timeout-s", 600, 10, 86_400));
		args.requireAllKnown();
		CountDownLatch held = new CountDownLatch(1);
		HttpServer resource = resource(held, timeout);
		try {
			MeshOptions options = MeshOptions.defaults()
				.withBasePort(basePort)
				.withWorkers(workers)
				.withSimulatedLatency(Duration.ofMillis(20))
				.withWorkerArguments(List.of("--colony.worker.tools.resources.inventory.base-url=http://127.0.0.1:"
						+ resource.getAddress().getPort(),
						// the resource holds its calls until every lease was revoked
						"--colony.worker.tools.resources.inventory.timeout=" + timeout));
			try (MeshLauncher mesh = MeshLauncher.start(options, line -> err.println("[mesh] " + line))) {
				ColonyClient client = new ColonyClient(mesh.gatewayUrl());
				client.useToken(client.mintToken(ColonyClient.DEFAULT_SCOPE, Map.of("tenant", TENANT)));
				ColonyClient operator = new ColonyClient(mesh.gatewayUrl());
				operator.useToken(operator.mintToken("credentials:approve", Map.of("tenant", TENANT)));

				String jobId = client.submitAccepted(client.json().writeValueAsString(readingJob(client.json(), revocations)));
				List<String> leases = activeLeases(operator, revocations, timeout);
				err.printf("[bench] %d leases granted; revoking them one by one%n", leases.size());
				List<URI> metrics = new ArrayList<>();
				for (int i = 1; i <= workers; i++) {
					metrics.add(URI.create("http://127.0.0.1:" + options.workerPort(i) + "/actuator/prometheus"));
				}
				long[] millis = new long[leases.size()];
				for (int i = 0; i < leases.size(); i++) {
					millis[i] = revokeAndTime(client, operator, leases.get(i), metrics, timeout);
				}
				held.countDown();
				try (JobWatch watch = JobWatch.open(client, jobId, event -> {
				})) {
					watch.awaitCompletion(timeout, true);
				}
				Percentiles percentiles = new Percentiles(millis);
				long over = java.util.Arrays.stream(millis).filter(ms -> ms > 2_000).count();
				Map<String, Object> report = new LinkedHashMap<>();
				report.put("bench", "credential-revocation");
				report.put("workers", workers);
				report.put("revocations", leases.size());
				report.put("propagationP50Ms", percentiles.at(50));
				report.put("propagationP99Ms", percentiles.at(99));
				report.put("propagationMaxMs", percentiles.at(100));
				report.put("over2s", over);
				report.put("measuredTo", "every worker's revocation counter (Prometheus, polled every 1 ms)");
				out.println(JsonMapper.builder().build().writeValueAsString(report));
				out.flush();
				return over == 0 ? 0 : 1;
			}
		}
		finally {
			held.countDown();
			resource.stop(0);
		}
	}

	/** One revocation: ms from the revoke's {@code 200} until every worker counted one more revocation. */
	private static long revokeAndTime(ColonyClient client, ColonyClient operator, String leaseId, List<URI> metrics,
			Duration timeout) {
		long[] before = new long[metrics.size()];
		for (int w = 0; w < metrics.size(); w++) {
			before[w] = counter(client, metrics.get(w));
		}
		HttpResponse<String> revoked = operator.send(operator.authorized("/api/v1/credentials/leases/" + leaseId + "/revoke")
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"benchmark\"}"))
			.build());
		long answered = System.nanoTime();
		if (revoked.statusCode() != 200) {
			throw new CommandFailed("revoking lease " + leaseId + " answered " + revoked.statusCode() + ": " + revoked.body());
		}
		long deadline = answered + timeout.toNanos();
		for (int w = 0; w < metrics.size(); w++) {
			while (counter(client, metrics.get(w)) <= before[w]) {
				if (System.nanoTime() > deadline) {
					throw new CommandFailed("worker " + (w + 1) + " never heard of the revocation of " + leaseId);
				}
				LockSupport.parkNanos(1_000_000);
			}
		}
		return (System.nanoTime() - answered) / 1_000_000;
	}

	private static long counter(ColonyClient client, URI metrics) {
		HttpResponse<String> response = client.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).build());
		return Math.round(response.body()
			.lines()
			.filter(line -> line.startsWith(COUNTER))
			.mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum());
	}

	/** Waits until the job's {@code expected} leases are active (each task asked for its credential) and lists them. */
	private static List<String> activeLeases(ColonyClient operator, int expected, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			HttpResponse<String> response = operator.send(operator
				.authorized("/api/v1/credentials/leases?status=ACTIVE&limit=" + Math.min(500, Math.max(expected, 1)))
				.GET()
				.build());
			if (response.statusCode() != 200) {
				throw new CommandFailed("listing leases answered " + response.statusCode() + ": " + response.body());
			}
			List<String> leases = new ArrayList<>();
			for (JsonNode lease : operator.parse(response.body()).path("leases")) {
				leases.add(lease.path("leaseId").asString());
			}
			if (leases.size() >= Math.min(expected, 500)) {
				return leases;
			}
			if (System.nanoTime() > deadline) {
				throw new CommandFailed(leases.size() + " of " + expected + " leases active after " + timeout
						+ ": did the operator agents get their read credentials?");
			}
			LockSupport.parkNanos(50_000_000);
		}
	}

	private static ObjectNode readingJob(JsonMapper json, int tasks) {
		ObjectNode body = json.createObjectNode();
		body.put("pattern", "scatter-gather");
		body.put("agent", "operator");
		body.put("instruction", "Read the stock.");
		ArrayNode inputs = body.putArray("inputs");
		for (int i = 1; i <= tasks; i++) {
			inputs.addObject()
				.put("id", "read-" + i)
				.put("content", "Read shelf " + i
						+ ". [[call resource_api {\"resource\":\"inventory\",\"method\":\"GET\",\"path\":\"/shelves/" + i + "\"}]]");
		}
		return body;
	}

	/**
	 * A resource that holds every call until {@code held} is released, then answers it; this bench is about
	 * revocation, not the resource's checks.
	 */
	private static HttpServer resource(CountDownLatch held, Duration timeout) {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
			server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
			server.createContext("/", exchange -> {
				try (exchange) {
					held.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
					byte[] body = "{\"stock\":7}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
					exchange.getResponseHeaders().add("Content-Type", "application/json");
					exchange.sendResponseHeaders(200, body.length);
					exchange.getResponseBody().write(body);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
