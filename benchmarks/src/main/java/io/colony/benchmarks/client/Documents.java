package io.colony.benchmarks.client;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/** Short generated documents and the scatter-gather job body that fans out over them. */
public final class Documents {

	public static final String AGENT = "summarizer";

	public static final String INSTRUCTION = "Summarise the document in one sentence.";

	private static final List<String> SUBJECTS = List.of("The colony", "A forager", "The queen", "A scout",
			"The nursery", "A soldier", "The granary", "A tunnel crew");

	private static final List<String> VERBS = List.of("found", "moved", "guarded", "mapped", "repaired", "counted",
			"shared", "stored");

	private static final List<String> OBJECTS = List.of("seeds near the oak", "a path to the river", "the northern gate",
			"leaves after the rain", "larvae in chamber nine", "sugar from the orchard", "a collapsed gallery",
			"the evening patrol routes");

	private Documents() {
	}

	/** Input id of document {@code index}: {@code doc-00001}, … (sortable). */
	public static String inputId(int index) {
		return String.format("doc-%05d", index);
	}

	/** Document {@code index}: three sentences, deterministic, different from its neighbours. */
	public static String document(int index) {
		StringBuilder text = new StringBuilder("Report ").append(index).append(". ");
		for (int sentence = 0; sentence < 3; sentence++) {
			int seed = index * 31 + sentence * 7;
			text.append(SUBJECTS.get(Math.floorMod(seed, SUBJECTS.size())))
				.append(' ')
				.append(VERBS.get(Math.floorMod(seed / 3 + sentence, VERBS.size())))
				.append(' ')
				.append(OBJECTS.get(Math.floorMod(seed / 5 + index, OBJECTS.size())))
				.append(". ");
		}
		return text.toString().strip();
	}

	/** A scatter-gather job over documents {@code 1..count}, as the gateway's {@code POST /api/v1/jobs} takes it. */
	public static ObjectNode scatterGatherJob(JsonMapper json, int count) {
		ObjectNode job = json.createObjectNode();
		job.put("pattern", "scatter-gather");
		job.put("agent", AGENT);
		job.put("instruction", INSTRUCTION);
		ArrayNode inputs = job.putArray("inputs");
		for (int i = 1; i <= count; i++) {
			ObjectNode input = inputs.addObject();
			input.put("id", inputId(i));
			input.put("content", document(i));
		}
		job.putObject("reduce").put("strategy", "collect");
		job.put("priority", "normal");
		return job;
	}
}
