package io.colony.gateway.job;

import io.colony.contracts.FanOut;
import io.colony.contracts.JobInput;
import io.colony.contracts.JobLimits;
import io.colony.contracts.JobSpec;
import io.colony.contracts.NoAgentPolicy;
import io.colony.contracts.Pipeline;
import io.colony.contracts.PipelineStage;
import io.colony.contracts.PlanLimits;
import io.colony.contracts.Priority;
import io.colony.contracts.Reduce;
import io.colony.contracts.ReduceStrategy;
import io.colony.contracts.ScatterGather;
import io.colony.contracts.Supervisor;
import io.colony.gateway.problem.ProblemException;
import org.springframework.http.HttpStatus;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads a job submission strictly: well-formed JSON, one object, no duplicate or unknown fields, no silent
 * coercion (a number is not a string, {@code 3.5} is not an integer), then validates every field. Every
 * failure is a 400 problem whose {@code field} names the first offending field and whose {@code errors} lists
 * them all (up to {@value #MAX_REPORTED_ERRORS}). Each pattern has its own body ({@link JobRequest}): a field of
 * another pattern is an unknown field.
 */
final class JobRequestParser {

	static final List<String> PATTERNS = List.of(ScatterGather.PATTERN, Pipeline.PATTERN, Supervisor.PATTERN);

	static final Duration MIN_DEADLINE = Duration.ofSeconds(1);

	static final Duration MAX_DEADLINE = Duration.ofHours(24);

	static final int MAX_ATTEMPTS = 10;

	static final int MAX_ID_LENGTH = 200;

	static final int MAX_AGENT_LENGTH = 200;

	static final int MAX_REPORTED_ERRORS = 20;

	static final int MAX_STAGES = 20;

	static final int MAX_SPECIALISTS = PlanLimits.MAX_SPECIALISTS;

	static final int MAX_PLAN_DEPTH = PlanLimits.MAX_DEPTH;

	static final int MAX_SUBTASKS = PlanLimits.MAX_SUBTASKS;

	/** A stage's name names its results ({@code <name>/<input id>}): lower-case letters, digits and dashes. */
	private static final Pattern STAGE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

	private static final JsonMapper STRICT = JsonMapper.builder()
		.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
				DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY,
				// a budget of 0.1 stays 0.1, not the double nearest to it
				DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
		.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT, DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
		.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.withCoercionConfig(LogicalType.Textual,
				config -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.EmptyArray, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.EmptyObject, CoercionAction.Fail))
		.withCoercionConfig(LogicalType.Integer,
				config -> config.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
		.withCoercionConfig(LogicalType.Float,
				config -> config.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
		.withCoercionConfig(LogicalType.POJO,
				config -> config.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
		.withCoercionConfig(LogicalType.Collection,
				config -> config.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
		.build();

	private final int maxInputs;

	JobRequestParser(int maxInputs) {
		this.maxInputs = maxInputs;
	}

	/** @throws ProblemException 400 describing what is wrong */
	JobSpec parse(byte[] body) {
		JsonNode tree = readTree(body);
		String pattern = pattern(tree);
		return switch (pattern) {
			case ScatterGather.PATTERN -> scatterGather(bind(tree, JobRequest.ScatterGatherBody.class, pattern));
			case Pipeline.PATTERN -> pipeline(bind(tree, JobRequest.PipelineBody.class, pattern));
			case Supervisor.PATTERN -> supervisor(bind(tree, JobRequest.SupervisorBody.class, pattern));
			default -> throw new IllegalStateException("pattern " + pattern + " is supported but not mapped");
		};
	}

	private static JsonNode readTree(byte[] body) {
		if (body.length == 0) {
			throw malformed("the request body is empty; send a JSON object");
		}
		JsonNode tree;
		try {
			tree = STRICT.readTree(body);
		}
		catch (StreamReadException ex) {
			throw malformed("the request body is not valid JSON: " + describe(ex));
		}
		catch (JacksonException ex) {
			throw malformed("the request body is not valid JSON: " + describe(ex));
		}
		if (tree == null || tree.isMissingNode()) {
			throw malformed("the request body is empty; send a JSON object");
		}
		if (!tree.isObject()) {
			throw malformed("the request body must be a JSON object, not " + tree.getNodeType().name().toLowerCase(Locale.ROOT));
		}
		return tree;
	}

	private static String pattern(JsonNode tree) {
		JsonNode pattern = tree.get("pattern");
		if (pattern == null || pattern.isNull()) {
			return ScatterGather.PATTERN;
		}
		if (!pattern.isString() || !PATTERNS.contains(pattern.asString())) {
			throw invalid(List.of(new FieldError("pattern", "unknown pattern " + pattern
					+ "; supported: " + String.join(", ", PATTERNS))));
		}
		return pattern.asString();
	}

	private static <T extends JobRequest> T bind(JsonNode tree, Class<T> body, String pattern) {
		try {
			return STRICT.treeToValue(tree, body);
		}
		catch (UnrecognizedPropertyException ex) {
			String field = path(ex);
			String known = ex.getKnownPropertyIds() == null ? ""
					: "; allowed here: " + ex.getKnownPropertyIds().stream().map(Object::toString).sorted()
						.collect(Collectors.joining(", "));
			throw new ProblemException(HttpStatus.BAD_REQUEST, "unknown-field", "Unknown field",
					"unknown field '" + field + "' in a " + pattern + " job" + known).property("field", field);
		}
		catch (MismatchedInputException ex) {
			String field = path(ex);
			throw invalid(List.of(new FieldError(field.isEmpty() ? "(body)" : field,
					"has the wrong type: " + expected(ex))));
		}
		catch (JacksonException ex) {
			String field = path(ex);
			throw invalid(List.of(new FieldError(field.isEmpty() ? "(body)" : field, "is not valid: " + describe(ex))));
		}
	}

	private JobSpec scatterGather(JobRequest.ScatterGatherBody request) {
		List<FieldError> errors = new ArrayList<>();
		requireText(errors, "agent", request.agent(), MAX_AGENT_LENGTH);
		requireText(errors, "instruction", request.instruction(), Integer.MAX_VALUE);
		List<JobInput> inputs = inputs(errors, request.inputs());
		Common common = common(errors, request);
		return new ScatterGather(request.agent(), request.instruction(), inputs, common.reduce(), common.priority(),
				common.limits(), request.model(), common.whenNoAgent());
	}

	private JobSpec pipeline(JobRequest.PipelineBody request) {
		List<FieldError> errors = new ArrayList<>();
		List<JobInput> inputs = inputs(errors, request.inputs());
		List<PipelineStage> stages = stages(errors, request.stages());
		Common common = common(errors, request);
		return new Pipeline(inputs, stages, common.reduce(), common.priority(), common.limits(), request.model(),
				common.whenNoAgent());
	}

	private JobSpec supervisor(JobRequest.SupervisorBody request) {
		List<FieldError> errors = new ArrayList<>();
		requireText(errors, "supervisor", request.supervisor(), MAX_AGENT_LENGTH);
		requireText(errors, "instruction", request.instruction(), Integer.MAX_VALUE);
		JobInput input = input(errors, "input", request.input(), null);
		List<String> specialists = specialists(errors, request.specialists());
		PlanLimits plan = plan(errors, request.plan());
		Common common = common(errors, request);
		return new Supervisor(request.supervisor(), request.instruction(), input, specialists, plan, common.reduce(),
				common.priority(), common.limits(), request.model(), common.whenNoAgent());
	}

	/** The fields every pattern has. */
	private record Common(Reduce reduce, Priority priority, JobLimits limits, NoAgentPolicy whenNoAgent) {
	}

	/**
	 * Validates the fields every pattern has and throws if any field so far (the pattern's own included) is
	 * invalid, so every error is reported at once.
	 */
	private static Common common(List<FieldError> errors, JobRequest request) {
		if (request.model() != null) {
			requireText(errors, "model", request.model(), MAX_AGENT_LENGTH);
		}
		ReduceStrategy strategy = strategy(errors, request.reduce());
		Priority priority = priority(errors, request.priority());
		JobLimits limits = limits(errors, request.limits());
		NoAgentPolicy whenNoAgent = whenNoAgent(errors, request.whenNoAgent());
		if (!errors.isEmpty()) {
			throw invalid(errors);
		}
		return new Common(new Reduce(strategy), priority, limits, whenNoAgent);
	}

	private static List<PipelineStage> stages(List<FieldError> errors, List<JobRequest.Stage> stages) {
		if (stages == null) {
			errors.add(new FieldError("stages",
					"is required: a non-empty array of {\"name\"?, \"agent\", \"instruction\", \"fanOut\"?}"));
			return List.of();
		}
		if (stages.isEmpty()) {
			errors.add(new FieldError("stages", "must contain at least one stage"));
			return List.of();
		}
		if (stages.size() > MAX_STAGES) {
			errors.add(new FieldError("stages", "must contain at most " + MAX_STAGES + " stages, has " + stages.size()));
			return List.of();
		}
		List<PipelineStage> mapped = new ArrayList<>(stages.size());
		Set<String> names = new HashSet<>();
		for (int i = 0; i < stages.size(); i++) {
			JobRequest.Stage stage = stages.get(i);
			String field = "stages[" + i + "]";
			if (stage == null) {
				errors.add(new FieldError(field, "must be an object {\"name\"?, \"agent\", \"instruction\", \"fanOut\"?}"));
				continue;
			}
			// an unnamed stage's results are named stage<n>, so a name may not take another stage's default
			String name = stage.name() == null ? "stage" + (i + 1) : stage.name();
			if (stage.name() != null && !STAGE_NAME.matcher(stage.name()).matches()) {
				errors.add(new FieldError(field + ".name",
						"must be 1 to 64 lower-case letters, digits and dashes, starting with a letter or digit (was '"
								+ stage.name() + "')"));
			}
			else if (!names.add(name)) {
				errors.add(new FieldError(field + ".name", "duplicates the name '" + name + "' of an earlier stage"
						+ (stage.name() == null ? " (an unnamed stage is named stage<n>)" : "")));
			}
			requireText(errors, field + ".agent", stage.agent(), MAX_AGENT_LENGTH);
			requireText(errors, field + ".instruction", stage.instruction(), Integer.MAX_VALUE);
			FanOut fanOut = FanOut.PER_INPUT;
			if (stage.fanOut() != null) {
				try {
					fanOut = FanOut.fromWireName(stage.fanOut());
				}
				catch (IllegalArgumentException ex) {
					errors.add(new FieldError(field + ".fanOut", "must be one of: " + Arrays.stream(FanOut.values())
						.map(FanOut::wireName).collect(Collectors.joining(", ")) + " (was '" + stage.fanOut() + "')"));
				}
			}
			mapped.add(new PipelineStage(stage.name(), stage.agent(), stage.instruction(), fanOut));
		}
		return mapped;
	}

	private static List<String> specialists(List<FieldError> errors, List<String> specialists) {
		if (specialists == null) {
			return List.of();
		}
		if (specialists.size() > MAX_SPECIALISTS) {
			errors.add(new FieldError("specialists",
					"must name at most " + MAX_SPECIALISTS + " agent types, has " + specialists.size()));
			return List.of();
		}
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < specialists.size(); i++) {
			String field = "specialists[" + i + "]";
			String specialist = specialists.get(i);
			int before = errors.size();
			requireText(errors, field, specialist, MAX_AGENT_LENGTH);
			if (errors.size() == before && !seen.add(specialist)) {
				errors.add(new FieldError(field, "names '" + specialist + "' twice"));
			}
		}
		return specialists;
	}

	/** {@code null} components (absent) leave the orchestrator's defaults. */
	private static PlanLimits plan(List<FieldError> errors, JobRequest.Plan plan) {
		if (plan == null) {
			return PlanLimits.DEFAULTS;
		}
		if (plan.maxSubtasks() != null && (plan.maxSubtasks() < 1 || plan.maxSubtasks() > MAX_SUBTASKS)) {
			errors.add(new FieldError("plan.maxSubtasks",
					"must be from 1 to " + MAX_SUBTASKS + " (was " + plan.maxSubtasks() + ")"));
		}
		if (plan.maxDepth() != null && (plan.maxDepth() < 1 || plan.maxDepth() > MAX_PLAN_DEPTH)) {
			errors.add(new FieldError("plan.maxDepth",
					"must be from 1 to " + MAX_PLAN_DEPTH + " (was " + plan.maxDepth() + ")"));
		}
		return new PlanLimits(plan.maxSubtasks(), plan.maxDepth());
	}

	private static void requireText(List<FieldError> errors, String field, String value, int maxLength) {
		if (value == null) {
			errors.add(new FieldError(field, "is required"));
		}
		else if (value.isBlank()) {
			errors.add(new FieldError(field, "must not be blank"));
		}
		else if (value.length() > maxLength) {
			errors.add(new FieldError(field, "must be at most " + maxLength + " characters"));
		}
	}

	private List<JobInput> inputs(List<FieldError> errors, List<JobRequest.Input> inputs) {
		if (inputs == null) {
			errors.add(new FieldError("inputs", "is required: a non-empty array of {\"id\", \"content\"}"));
			return List.of();
		}
		if (inputs.isEmpty()) {
			errors.add(new FieldError("inputs", "must contain at least one input"));
			return List.of();
		}
		if (inputs.size() > maxInputs) {
			errors.add(new FieldError("inputs", "must contain at most " + maxInputs + " inputs, has " + inputs.size()));
			return List.of();
		}
		List<JobInput> mapped = new ArrayList<>(inputs.size());
		Set<String> seen = new HashSet<>(inputs.size() * 2);
		for (int i = 0; i < inputs.size(); i++) {
			JobInput input = input(errors, "inputs[" + i + "]", inputs.get(i), seen);
			if (input != null) {
				mapped.add(input);
			}
		}
		return mapped;
	}

	/**
	 * One {@code {"id", "content"}}; {@code seen} (when not {@code null}) holds the ids of earlier inputs.
	 *
	 * @return {@code null} when the input is absent
	 */
	private static JobInput input(List<FieldError> errors, String field, JobRequest.Input input, Set<String> seen) {
		if (input == null) {
			errors.add(new FieldError(field, "is required: an object {\"id\", \"content\"}"));
			return null;
		}
		if (input.id() == null) {
			errors.add(new FieldError(field + ".id", "is required"));
		}
		else if (input.id().isBlank()) {
			errors.add(new FieldError(field + ".id", "must not be blank"));
		}
		else if (input.id().length() > MAX_ID_LENGTH) {
			errors.add(new FieldError(field + ".id", "must be at most " + MAX_ID_LENGTH + " characters"));
		}
		else if (seen != null && !seen.add(input.id())) {
			errors.add(new FieldError(field + ".id", "duplicates the id '" + input.id() + "' of an earlier input"));
		}
		if (input.content() == null) {
			errors.add(new FieldError(field + ".content", "is required"));
		}
		return new JobInput(input.id(), input.content());
	}

	private static ReduceStrategy strategy(List<FieldError> errors, JobRequest.ReduceBlock reduce) {
		if (reduce == null || reduce.strategy() == null) {
			return ReduceStrategy.COLLECT;
		}
		try {
			return ReduceStrategy.fromWireName(reduce.strategy());
		}
		catch (IllegalArgumentException ex) {
			errors.add(new FieldError("reduce.strategy", "must be one of: " + Arrays.stream(ReduceStrategy.values())
				.map(ReduceStrategy::wireName).collect(Collectors.joining(", ")) + " (was '" + reduce.strategy() + "')"));
			return ReduceStrategy.COLLECT;
		}
	}

	private static Priority priority(List<FieldError> errors, String priority) {
		if (priority == null) {
			return Priority.NORMAL;
		}
		try {
			return Priority.fromWireName(priority);
		}
		catch (IllegalArgumentException ex) {
			errors.add(new FieldError("priority", "must be one of: " + Arrays.stream(Priority.values())
				.map(Priority::wireName).collect(Collectors.joining(", ")) + " (was '" + priority + "')"));
			return Priority.NORMAL;
		}
	}

	/** {@code null} (absent) leaves the orchestrator's default, reject. */
	private static NoAgentPolicy whenNoAgent(List<FieldError> errors, String whenNoAgent) {
		if (whenNoAgent == null) {
			return null;
		}
		try {
			return NoAgentPolicy.fromWireName(whenNoAgent);
		}
		catch (IllegalArgumentException ex) {
			errors.add(new FieldError("whenNoAgent", "must be one of: " + Arrays.stream(NoAgentPolicy.values())
				.map(NoAgentPolicy::wireName).collect(Collectors.joining(", ")) + " (was '" + whenNoAgent + "')"));
			return null;
		}
	}

	private static JobLimits limits(List<FieldError> errors, JobRequest.Limits limits) {
		if (limits == null) {
			return JobLimits.DEFAULTS;
		}
		Duration deadline = null;
		if (limits.deadline() != null) {
			try {
				deadline = Duration.parse(limits.deadline());
				if (deadline.compareTo(MIN_DEADLINE) < 0 || deadline.compareTo(MAX_DEADLINE) > 0) {
					errors.add(new FieldError("limits.deadline", "must be from PT1S to PT24H (was " + limits.deadline() + ")"));
				}
			}
			catch (DateTimeParseException ex) {
				errors.add(new FieldError("limits.deadline",
						"must be an ISO-8601 duration such as PT10M, from PT1S to PT24H (was '" + limits.deadline() + "')"));
			}
		}
		Integer maxAttempts = limits.maxAttempts();
		if (maxAttempts != null && (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS)) {
			errors.add(new FieldError("limits.maxAttempts", "must be from 1 to " + MAX_ATTEMPTS + " (was " + maxAttempts + ")"));
		}
		Long maxTokens = limits.maxTokens();
		if (maxTokens != null && maxTokens < 1) {
			errors.add(new FieldError("limits.maxTokens", "must be a positive whole number of tokens (was " + maxTokens + ")"));
		}
		BigDecimal maxCostUsd = limits.maxCostUsd();
		if (maxCostUsd != null && maxCostUsd.signum() <= 0) {
			errors.add(new FieldError("limits.maxCostUsd",
					"must be a positive amount of US dollars (was " + maxCostUsd.toPlainString() + ")"));
		}
		Integer maxConcurrency = limits.maxConcurrency();
		if (maxConcurrency != null && maxConcurrency < 1) {
			errors.add(new FieldError("limits.maxConcurrency",
					"must be a positive whole number of tasks (was " + maxConcurrency + ")"));
		}
		BigDecimal successRatio = limits.successRatio();
		if (successRatio != null && (successRatio.signum() <= 0 || successRatio.compareTo(BigDecimal.ONE) > 0)) {
			errors.add(new FieldError("limits.successRatio",
					"must be a share of the tasks above 0 and at most 1, such as 0.8 (was " + successRatio.toPlainString()
							+ ")"));
		}
		return new JobLimits(deadline, maxAttempts, maxTokens, maxCostUsd, maxConcurrency, successRatio);
	}

	record FieldError(String field, String message) {

		String describe() {
			return field + " " + message;
		}
	}

	private static ProblemException invalid(List<FieldError> errors) {
		List<FieldError> reported = errors.size() > MAX_REPORTED_ERRORS ? errors.subList(0, MAX_REPORTED_ERRORS) : errors;
		String detail = reported.stream().map(FieldError::describe).collect(Collectors.joining("; "))
				+ (errors.size() > reported.size() ? "; and " + (errors.size() - reported.size()) + " more" : "");
		List<Map<String, String>> list = reported.stream().map(error -> {
			Map<String, String> entry = new LinkedHashMap<>();
			entry.put("field", error.field());
			entry.put("message", error.message());
			return entry;
		}).toList();
		return new ProblemException(HttpStatus.BAD_REQUEST, "invalid-job-request", "Invalid job request", detail)
			.property("field", errors.getFirst().field())
			.property("errors", list);
	}

	private static ProblemException malformed(String detail) {
		return new ProblemException(HttpStatus.BAD_REQUEST, "malformed-json", "Malformed JSON", detail);
	}

	/** The JSON path of a binding failure, e.g. {@code inputs[2].id}. */
	static String path(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				if (!path.isEmpty()) {
					path.append('.');
				}
				path.append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.toString();
	}

	private static String expected(MismatchedInputException ex) {
		Class<?> target = ex.getTargetType();
		if (target == null) {
			return "unexpected value";
		}
		if (target == String.class) {
			return "expected a string";
		}
		if (target == Integer.class || target == int.class || target == Long.class || target == long.class) {
			return "expected an integer";
		}
		if (target == BigDecimal.class) {
			return "expected a number";
		}
		if (List.class.isAssignableFrom(target)) {
			return "expected an array";
		}
		return "expected an object";
	}

	private static String describe(JacksonException ex) {
		String message = ex.getOriginalMessage();
		if (message != null) {
			int newline = message.indexOf('\n');
			message = newline < 0 ? message : message.substring(0, newline);
			// Jackson describes the (redacted) source inside locations; the line/column below says it better
			message = message.replaceAll("\\s*\\(start marker at \\[Source:[^\\]]*\\]\\)", "")
				.replaceAll("\\s*at \\[Source:[^\\]]*\\]", "");
			if (message.length() > 300) {
				message = message.substring(0, 300) + "...";
			}
		}
		var location = ex.getLocation();
		return (message == null ? "unreadable" : message)
				+ (location == null || location.getLineNr() < 0 ? ""
						: " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")");
	}
}
