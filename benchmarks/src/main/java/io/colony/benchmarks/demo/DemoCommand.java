package io.colony.benchmarks.demo;

import io.colony.benchmarks.cli.Args;
import io.colony.benchmarks.client.ColonyClient;
import io.colony.benchmarks.client.Documents;
import io.colony.benchmarks.client.JobWatch;
import io.colony.benchmarks.client.SseEvent;
import tools.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;

/**
 * {@code demo --gateway URL --inputs N [--token T]}: submits one scatter-gather job and narrates it live.
 * Exit status 0 only when the job SUCCEEDED.
 */
public final class DemoCommand {

	private DemoCommand() {
	}

	public static int run(Args args, PrintStream out) {
		URI gateway = args.uri("gateway", "http://127.0.0.1:8080");
		int inputs = args.integer("inputs", 1000, 1, 100_000);
		String token = args.optional("token");
		Duration timeout = Duration.ofSeconds(args.integer("timeout-s", 600, 1, 86_400));
		args.requireAllKnown();

		ColonyClient client = new ColonyClient(gateway);
		if (token == null) {
			client.authenticate();
			out.println("token      minted for " + ColonyClient.CLIENT_ID + " (" + ColonyClient.DEFAULT_SCOPE + ")");
		}
		else {
			client.useToken(token);
		}
		String body = client.json().writeValueAsString(Documents.scatterGatherJob(client.json(), inputs));
		long started = System.nanoTime();
		String jobId = client.submitAccepted(body);
		out.println("submitted  job " + jobId + ": " + inputs + " documents for agent '" + Documents.AGENT + "'");
		JobWatch.Completion completion;
		try (JobWatch watch = JobWatch.open(client, jobId, event -> printProgress(client, event, out))) {
			completion = watch.awaitCompletion(timeout, true);
		}
		double seconds = (completion.receivedNanos() - started) / 1e9;
		// The job.completed event is the authoritative outcome; the job view the orchestrator serves catches
		// up with it a moment later, so it is only the fallback when the event was not seen on the stream.
		JsonNode job = completion.event() != null ? client.parse(completion.event().data()) : client.job(jobId);
		String status = job.path("status").asString("UNKNOWN");
		JsonNode tasks = job.path("tasks");
		JsonNode usage = job.path("usage");
		out.printf("completed  %s in %.1f s%n", status, seconds);
		out.printf("  tasks    total=%d succeeded=%d failed=%d%n", tasks.path("total").asInt(0),
				tasks.path("succeeded").asInt(0), tasks.path("failed").asInt(0));
		if (usage.isObject()) {
			out.printf("  usage    promptTokens=%d completionTokens=%d llmCalls=%d%n", usage.path("promptTokens").asLong(0),
					usage.path("completionTokens").asLong(0), usage.path("llmCalls").asLong(0));
		}
		String reason = job.path("result").path("reason").asString("");
		if (!reason.isBlank()) {
			out.println("  reason   " + reason);
		}
		JsonNode first = ColonyClient.items(client.resultsPage(jobId, 0, 3));
		out.println("first " + first.size() + " results:");
		for (JsonNode result : first) {
			String text = result.path("output").asString("");
			if (text.isEmpty()) {
				text = result.path("error").asString("");
			}
			out.printf("  %-10s %-9s %s%n", result.path("inputId").asString("?"), result.path("status").asString("?"),
					abbreviate(text, 100));
		}
		return "SUCCEEDED".equals(status) ? 0 : 1;
	}

	private static void printProgress(ColonyClient client, SseEvent event, PrintStream out) {
		if (!JobWatch.PROGRESS.equals(event.name())) {
			return;
		}
		JsonNode data = client.parse(event.data());
		JsonNode tasks = data.path("tasks").isObject() ? data.path("tasks") : data;
		int succeeded = tasks.path("succeeded").asInt(0);
		int failed = tasks.path("failed").asInt(0);
		out.printf("progress  %5d/%d succeeded=%d failed=%d%n", succeeded + failed, tasks.path("total").asInt(0),
				succeeded, failed);
	}

	private static String abbreviate(String text, int max) {
		String line = text.replaceAll("\\s+", " ").strip();
		return line.length() <= max ? line : line.substring(0, max - 3) + "...";
	}
}
