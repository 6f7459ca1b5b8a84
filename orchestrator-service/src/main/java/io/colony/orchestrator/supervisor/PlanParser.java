package io.colony.orchestrator.supervisor;

import io.colony.contracts.Destinations;
import io.colony.contracts.PlanLimits;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and validates the plan a supervisor answered with (see {@code Supervisor}'s javadoc for its shape). Tolerates
 * a plan inside a Markdown code fence or surrounded by prose: the outermost JSON object is taken. Pure; whether a
 * live agent serves each sub-task's type is the caller's to check.
 */
public final class PlanParser {

	public static final int DEFAULT_MAX_SUBTASKS = 10;

	public static final int MAX_SUBTASKS_LIMIT = PlanLimits.MAX_SUBTASKS;

	public static final int DEFAULT_MAX_DEPTH = 2;

	public static final int MAX_DEPTH_LIMIT = PlanLimits.MAX_DEPTH;

	public static final int MAX_INSTRUCTION_CHARS = 4000;

	public static final int MAX_INPUT_CHARS = 65_536;

	/** Input ids the plan and the answer use; a sub-task may not take them. */
	private static final Set<String> RESERVED_IDS = Set.of("plan", "answer");

	private static final Pattern ID = Pattern.compile("[a-z0-9-]{1,64}");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Pattern FENCE = Pattern.compile("```[a-zA-Z]*\\s*\\n(.*?)```", Pattern.DOTALL);

	/** The bounds a plan is checked against. */
	public record Limits(int maxSubtasks, int maxDepth) {

		/** The job's limits, {@code null} for the defaults (10 sub-tasks, depth 2). */
		public static Limits of(Integer maxSubtasks, Integer maxDepth) {
			return new Limits(maxSubtasks == null ? DEFAULT_MAX_SUBTASKS : maxSubtasks,
					maxDepth == null ? DEFAULT_MAX_DEPTH : maxDepth);
		}
	}

	public sealed interface Verdict {
	}

	public record Valid(Plan plan) implements Verdict {
	}

	/** @param reason what is wrong, for a person to read */
	public record Invalid(String reason) implements Verdict {
	}

	private PlanParser() {
	}

	/**
	 * @param specialists the agent types the plan may use; empty for any valid type but {@code supervisor}
	 */
	public static Verdict parse(String answer, Limits limits, List<String> specialists, String supervisor) {
		if (answer == null || answer.isBlank()) {
			return new Invalid("the supervisor's answer is empty");
		}
		String json = outermostObject(answer);
		if (json == null) {
			return new Invalid("the supervisor's answer holds no JSON object");
		}
		JsonNode root;
		try {
			root = JSON.readTree(json);
		}
		catch (JacksonException ex) {
			return new Invalid("the supervisor's answer is not valid JSON: " + ex.getOriginalMessage());
		}
		if (root == null || !root.isObject()) {
			return new Invalid("the plan must be a JSON object");
		}
		JsonNode subtasks = root.get("subtasks");
		if (subtasks == null || !subtasks.isArray()) {
			return new Invalid("the plan must have a 'subtasks' array");
		}
		if (subtasks.isEmpty()) {
			return new Invalid("the plan has no sub-tasks");
		}
		List<String> problems = new ArrayList<>();
		Context context = new Context(limits, specialists, supervisor, problems);
		List<Plan.Node> nodes = nodes(subtasks, "subtasks", 1, context);
		if (context.count > limits.maxSubtasks()) {
			return new Invalid("the plan has " + context.count + " sub-tasks, more than the " + limits.maxSubtasks()
					+ " allowed");
		}
		if (!problems.isEmpty()) {
			return new Invalid(String.join("; ", problems.subList(0, Math.min(problems.size(), 5))));
		}
		return new Valid(new Plan(nodes));
	}

	/**
	 * The plan's text: the content of a Markdown code fence when the answer has one holding an object, else from the
	 * first <code>{</code> to the last <code>}</code>; {@code null} when there is none.
	 */
	private static String outermostObject(String answer) {
		Matcher fence = FENCE.matcher(answer);
		if (fence.find()) {
			String fenced = fence.group(1);
			int start = fenced.indexOf('{');
			int end = fenced.lastIndexOf('}');
			if (start >= 0 && end > start) {
				return fenced.substring(start, end + 1);
			}
		}
		int start = answer.indexOf('{');
		int end = answer.lastIndexOf('}');
		return start < 0 || end < start ? null : answer.substring(start, end + 1);
	}

	private static final class Context {

		final Limits limits;

		final List<String> specialists;

		final String supervisor;

		final List<String> problems;

		final Set<String> ids = new HashSet<>();

		int count;

		Context(Limits limits, List<String> specialists, String supervisor, List<String> problems) {
			this.limits = limits;
			this.specialists = specialists == null ? List.of() : specialists;
			this.supervisor = supervisor;
			this.problems = problems;
		}
	}

	private static List<Plan.Node> nodes(JsonNode array, String path, int depth, Context context) {
		if (depth > context.limits.maxDepth()) {
			context.problems.add(path + " nests sub-tasks " + depth + " deep, more than the " + context.limits.maxDepth()
					+ " allowed");
			return List.of();
		}
		List<Plan.Node> nodes = new ArrayList<>();
		int i = 0;
		for (JsonNode element : array.values()) {
			String at = path + "[" + i++ + "]";
			context.count++;
			if (context.count > context.limits.maxSubtasks() * 4 + 16) {
				return nodes;
			}
			if (!element.isObject()) {
				context.problems.add(at + " must be an object");
				continue;
			}
			String id = string(element, "id", at, context);
			if (id == null) {
				id = "subtask" + context.count;
			}
			else if (!ID.matcher(id).matches() || RESERVED_IDS.contains(id)) {
				context.problems.add(at + ".id '" + id + "' must be 1 to 64 lower-case letters, digits or dashes, "
						+ "and not plan or answer");
			}
			if (!context.ids.add(id)) {
				context.problems.add(at + ".id '" + id + "' is not unique");
			}
			String agent = string(element, "agent", at, context);
			if (agent == null || agent.isBlank()) {
				context.problems.add(at + ".agent is required");
			}
			else if (!context.specialists.isEmpty() && !context.specialists.contains(agent)) {
				context.problems.add(at + ".agent '" + agent + "' is not one of the specialists "
						+ String.join(", ", context.specialists));
			}
			else if (context.specialists.isEmpty()
					&& (!Destinations.isValidCapability(agent) || agent.equals(context.supervisor))) {
				context.problems.add(at + ".agent '" + agent + "' is not an agent type the plan may use");
			}
			String instruction = string(element, "instruction", at, context);
			if (instruction == null || instruction.isBlank()) {
				context.problems.add(at + ".instruction must not be blank");
			}
			else if (instruction.length() > MAX_INSTRUCTION_CHARS) {
				context.problems.add(at + ".instruction is longer than " + MAX_INSTRUCTION_CHARS + " characters");
			}
			String input = string(element, "input", at, context);
			if (input != null && input.length() > MAX_INPUT_CHARS) {
				context.problems.add(at + ".input is longer than " + MAX_INPUT_CHARS + " characters");
			}
			List<Plan.Node> children = List.of();
			JsonNode nested = element.get("subtasks");
			if (nested != null && !nested.isNull()) {
				if (!nested.isArray()) {
					context.problems.add(at + ".subtasks must be an array");
				}
				else if (!nested.isEmpty()) {
					children = nodes(nested, at + ".subtasks", depth + 1, context);
				}
			}
			nodes.add(new Plan.Node(id, agent, instruction, input, children));
		}
		return nodes;
	}

	private static String string(JsonNode node, String field, String at, Context context) {
		JsonNode value = node.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString()) {
			context.problems.add(at + "." + field + " must be a string");
			return null;
		}
		return value.stringValue();
	}
}
