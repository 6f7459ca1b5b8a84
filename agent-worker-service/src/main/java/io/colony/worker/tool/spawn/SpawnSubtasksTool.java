package io.colony.worker.tool.spawn;

import io.colony.contracts.CommandRejected;
import io.colony.contracts.CommandReply;
import io.colony.contracts.Destinations;
import io.colony.contracts.JobCompleted;
import io.colony.contracts.JobId;
import io.colony.contracts.JobInput;
import io.colony.contracts.JobSubmitted;
import io.colony.contracts.ResultsPage;
import io.colony.contracts.ScatterGather;
import io.colony.contracts.SubmitJob;
import io.colony.contracts.TaskResultView;
import io.colony.platform.messaging.CommandClient;
import io.colony.worker.tool.AgentTool;
import io.colony.worker.tool.ToolFailure;
import io.colony.worker.tool.ToolInvocation;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * {@code spawn_subtasks}: starts a child scatter-gather job (same tenant) and returns its results when it
 * has finished, without holding a thread while it runs: the wait is on the child's {@code job.completed}
 * event.
 *
 * <p>Idempotent across re-runs of the parent: the child's id and idempotency key are derived from the parent
 * task, the tool call's number in the loop and the arguments, so a redelivered parent that asks for the same
 * sub-tasks attaches to the child job already started instead of starting another. If that child has
 * already finished, its results are read at once.
 */
public final class SpawnSubtasksTool implements AgentTool {

	public static final String NAME = "spawn_subtasks";

	private static final int PAGE_SIZE = 1000;

	private static final String SCHEMA = """
			{"type":"object","properties":{
			 "agent":{"type":"string","description":"agent type that runs every sub-task"},
			 "instruction":{"type":"string","description":"what each sub-task does with its input"},
			 "inputs":{"type":"array","items":{"type":"object","properties":{
			   "id":{"type":"string"},"content":{"type":"string"}},"required":["content"]}}},
			 "required":["agent","inputs"]}""";

	/** Resolved on first use: the command client's reply consumer exists only in workers that spawn. */
	private final Supplier<CommandClient> commands;

	private final ChildJobs children;

	private final WebClient aggregator;

	private final SpawnProperties properties;

	private final JsonMapper json;

	private final Clock clock;

	SpawnSubtasksTool(Supplier<CommandClient> commands, ChildJobs children, WebClient aggregator, SpawnProperties properties,
			JsonMapper json, Clock clock) {
		this.commands = commands;
		this.children = children;
		this.aggregator = aggregator;
		this.properties = properties;
		this.json = json;
		this.clock = clock;
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public String description() {
		return "Run sub-tasks in parallel on specialist agents and wait for all their results. Each input becomes "
				+ "one sub-task of the given agent type with the same instruction. Returns each input's result.";
	}

	@Override
	public String inputSchema() {
		return SCHEMA;
	}

	@Override
	public Mono<String> call(ToolInvocation invocation) {
		return Mono.defer(() -> {
			ScatterGather spec = parse(invocation.arguments());
			String digest = digest(invocation.arguments());
			String key = "subtasks:" + invocation.taskId() + ":" + invocation.callNumber() + ":" + digest.substring(0, 16);
			JobId childId = new JobId(UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)));
			Mono<JobCompleted> completion = children.completion(childId);
			SubmitJob submit = new SubmitJob(childId, invocation.tenant(), key, digest, spec, clock.instant());
			return Mono.fromFuture(() -> commands.get().send(Destinations.JOB_SUBMIT, submit))
				.flatMap(reply -> accepted(reply, spec))
				.flatMap(submitted -> submitted.status().isTerminal() ? results(submitted.jobId(), invocation, null)
						: completion.timeout(properties.maxWait())
							.flatMap(done -> results(done.jobId(), invocation, done)))
				.onErrorMap(TimeoutException.class, timeout -> new ToolFailure("sub-tasks of job " + childId
						+ " did not finish within " + properties.maxWait()));
		});
	}

	private Mono<JobSubmitted> accepted(CommandReply reply, ScatterGather spec) {
		return switch (reply) {
			case JobSubmitted submitted -> Mono.just(submitted);
			case CommandRejected rejected -> Mono.error(new ToolFailure("sub-tasks rejected: " + rejected.detail()));
			default -> Mono.error(new ToolFailure("sub-tasks not started: unexpected reply " + reply.getClass().getSimpleName()));
		};
	}

	private Mono<String> results(JobId child, ToolInvocation invocation, JobCompleted done) {
		return aggregator.get()
			.uri(uri -> uri.path("/internal/v1/jobs/{id}/results").queryParam("size", PAGE_SIZE).build(child))
			.header("X-Colony-Tenant", invocation.tenant().value())
			.retrieve()
			.bodyToMono(ResultsPage.class)
			.map(page -> render(child, done, page));
	}

	static String render(JobId child, JobCompleted done, ResultsPage page) {
		StringBuilder text = new StringBuilder("sub-task job ").append(child);
		if (done != null) {
			text.append(' ').append(done.status()).append(": ").append(done.tasks().succeeded()).append(" succeeded, ")
				.append(done.tasks().failed()).append(" failed");
			if (done.reason() != null) {
				text.append(" (").append(done.reason()).append(')');
			}
		}
		text.append('\n');
		for (TaskResultView item : page.items()) {
			text.append("- ").append(item.inputId()).append(": ");
			text.append("SUCCEEDED".equals(item.status()) ? item.output() : "FAILED " + item.error()).append('\n');
		}
		if (page.totalItems() > page.items().size()) {
			text.append("(").append(page.totalItems() - page.items().size()).append(" more results not shown)\n");
		}
		return text.toString();
	}

	private ScatterGather parse(String arguments) {
		JsonNode node;
		try {
			node = json.readTree(arguments);
		}
		catch (JacksonException malformed) {
			throw new ToolFailure("arguments are not valid JSON: " + malformed.getOriginalMessage());
		}
		String agent = node.path("agent").asString("");
		if (agent.isBlank() || !Destinations.isValidCapability(agent)) {
			throw new ToolFailure("'agent' must name an agent type (lower-case letters, digits and dashes)");
		}
		JsonNode inputs = node.path("inputs");
		if (!inputs.isArray() || inputs.isEmpty()) {
			throw new ToolFailure("'inputs' must be a non-empty array of {\"id\", \"content\"}");
		}
		if (inputs.size() > properties.maxInputs()) {
			throw new ToolFailure("at most " + properties.maxInputs() + " sub-tasks per call, asked for " + inputs.size());
		}
		List<JobInput> items = new ArrayList<>(inputs.size());
		for (int i = 0; i < inputs.size(); i++) {
			JsonNode input = inputs.get(i);
			String content = input.isString() ? input.asString() : input.path("content").asString(null);
			if (content == null) {
				throw new ToolFailure("inputs[" + i + "] has no 'content'");
			}
			String id = input.path("id").asString("").isBlank() ? String.valueOf(i + 1) : input.path("id").asString();
			items.add(new JobInput(id, content));
		}
		if (items.stream().map(JobInput::id).distinct().count() != items.size()) {
			throw new ToolFailure("input ids must be unique");
		}
		return new ScatterGather(agent, node.path("instruction").asString(""), items, null, null, null);
	}

	private static String digest(String arguments) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(arguments.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException impossible) {
			throw new IllegalStateException(impossible);
		}
	}
}
