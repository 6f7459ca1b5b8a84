package io.colony.worker.github;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A COMPOSE task's input, read: the {@code ## request} section (the job's input) and one
 * {@code ## <node id> (<agent>)} section per specialist that answered. Node ids are the plan's
 * {@code f<k>-<specialist>}; other sections and lines outside a section are kept as notes for the summary (the
 * orchestrator names failed and skipped sub-tasks there).
 */
record SpecialistOutputs(String request, Map<String, Output> outputs, List<String> notes) {

	private static final Pattern HEADER = Pattern.compile("^## (\\S+)(?: \\(([^)]*)\\))?\\s*$");

	private static final Pattern NODE = Pattern.compile("f(\\d+)-([a-z0-9][a-z0-9-]*)");

	private static final Pattern FINDING = Pattern.compile("^\\s*(?:[-*]\\s*)?L(\\d+)\\s*[:.)-]\\s*(.+)$");

	private static final Pattern VERDICT = Pattern.compile("(?i)^\\s*\\**VERDICT\\**\\s*:\\s*\\**\\s*(approve|request[-_ ]changes)\\b.*$");

	/** One line-anchored finding of a specialist. */
	record Finding(int line, String comment) {
	}

	/** What one specialist said about one file. */
	record Output(int file, String specialist, List<Finding> findings, List<String> remarks, boolean requestsChanges) {
	}

	static SpecialistOutputs parse(String input) {
		String request = null;
		Map<String, Output> outputs = new LinkedHashMap<>();
		List<String> notes = new ArrayList<>();
		String section = null;
		StringBuilder body = new StringBuilder();
		for (String line : (input == null ? "" : input).split("\n", -1)) {
			Matcher header = HEADER.matcher(line);
			if (header.matches()) {
				request = close(section, body, request, outputs, notes);
				section = header.group(1);
				body.setLength(0);
			}
			else if (section == null) {
				if (!line.isBlank()) {
					notes.add(line.strip());
				}
			}
			else {
				body.append(line).append('\n');
			}
		}
		request = close(section, body, request, outputs, notes);
		return new SpecialistOutputs(request, outputs, notes);
	}

	private static String close(String section, StringBuilder body, String request, Map<String, Output> outputs,
			List<String> notes) {
		if (section == null) {
			return request;
		}
		if ("request".equals(section)) {
			return body.toString().strip();
		}
		Matcher node = NODE.matcher(section);
		if (node.matches()) {
			outputs.put(section, output(Integer.parseInt(node.group(1)), node.group(2), body.toString()));
		}
		else if (!body.isEmpty()) {
			notes.add(section + ": " + body.toString().strip());
		}
		return request;
	}

	static Output output(int file, String specialist, String text) {
		List<Finding> findings = new ArrayList<>();
		List<String> remarks = new ArrayList<>();
		boolean requestsChanges = false;
		for (String line : text.split("\n")) {
			Matcher verdict = VERDICT.matcher(line);
			Matcher finding = FINDING.matcher(line);
			if (verdict.matches()) {
				requestsChanges |= verdict.group(1).toLowerCase(Locale.ROOT).startsWith("request");
			}
			else if (finding.matches()) {
				findings.add(new Finding(Integer.parseInt(finding.group(1)), finding.group(2).strip()));
			}
			else if (!line.isBlank() && !line.strip().equalsIgnoreCase("no findings")) {
				remarks.add(line.strip());
			}
		}
		return new Output(file, specialist, List.copyOf(findings), List.copyOf(remarks), requestsChanges);
	}
}
