package io.colony.worker.github;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the gateway's webhook put in a review job's input: {@code {repository, number, headSha, baseSha, title,
 * htmlUrl, specialists, paths, excludePaths, maxFiles}}.
 */
record ReviewRequest(String repository, int number, String headSha, String baseSha, String title,
		List<String> specialists, List<String> paths, List<String> excludePaths, int maxFiles) {

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9-]{1,39}/[A-Za-z0-9_.-]{1,100}");

	private static final Pattern SHA = Pattern.compile("[0-9a-f]{7,64}");

	private static final Pattern AGENT = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

	/** Thrown for an input that no attempt could review. */
	static final class Invalid extends RuntimeException {

		Invalid(String message) {
			super(message, null, false, false);
		}
	}

	static ReviewRequest parse(String content) {
		JsonNode input;
		try {
			input = JSON.readTree(content == null ? "" : content.strip());
		}
		catch (JacksonException ex) {
			throw new Invalid("the review request is not JSON");
		}
		if (input == null || !input.isObject()) {
			throw new Invalid("the review request must be a JSON object");
		}
		String repository = input.path("repository").asString("");
		if (!REPOSITORY.matcher(repository).matches()) {
			throw new Invalid("the review request's repository must be 'owner/repo'");
		}
		int number = input.path("number").asInt(0);
		if (number < 1) {
			throw new Invalid("the review request's number must be a pull request number");
		}
		String headSha = input.path("headSha").asString("");
		if (!SHA.matcher(headSha).matches()) {
			throw new Invalid("the review request's headSha must be a commit sha");
		}
		List<String> specialists = strings(input.path("specialists"));
		if (specialists.isEmpty() || !specialists.stream().allMatch(s -> AGENT.matcher(s).matches())) {
			throw new Invalid("the review request must name its specialists (agent types)");
		}
		int maxFiles = input.path("maxFiles").asInt(12);
		if (maxFiles < 1) {
			throw new Invalid("the review request's maxFiles must be at least 1");
		}
		return new ReviewRequest(repository, number, headSha, input.path("baseSha").asString(""),
				input.path("title").asString(""), specialists, strings(input.path("paths")),
				strings(input.path("excludePaths")), maxFiles);
	}

	private static List<String> strings(JsonNode array) {
		List<String> values = new ArrayList<>();
		for (JsonNode node : array) {
			if (node.isString() && !node.asString().isBlank()) {
				values.add(node.asString());
			}
		}
		return List.copyOf(values);
	}

	String apiPath() {
		return "/repos/" + repository + "/pulls/" + number;
	}

	PathGlobs globs() {
		return new PathGlobs(paths, excludePaths);
	}
}
