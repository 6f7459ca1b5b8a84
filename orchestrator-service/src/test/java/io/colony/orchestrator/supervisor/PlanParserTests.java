package io.colony.orchestrator.supervisor;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PlanParserTests {

	private static final PlanParser.Limits DEFAULTS = PlanParser.Limits.of(null, null);

	@Test
	void readsANestedPlanInsideAFenceAndProse() {
		PlanParser.Verdict verdict = PlanParser.parse("""
				Sure! Here it is:
				```json
				{"subtasks": [{"id": "a", "agent": "critic", "instruction": "check", "input": "text",
				  "subtasks": [{"agent": "researcher", "instruction": "dig"}]},
				 {"agent": "critic", "instruction": "again"}]}
				```
				Let me know.""", DEFAULTS, List.of("critic", "researcher"), "boss");

		assertThat(verdict).isInstanceOfSatisfying(PlanParser.Valid.class, valid -> {
			Plan plan = valid.plan();
			assertThat(plan.size()).isEqualTo(3);
			assertThat(plan.agents()).containsExactly("critic", "researcher");
			Plan.Node first = plan.subtasks().getFirst();
			assertThat(first).extracting(Plan.Node::id, Plan.Node::agent, Plan.Node::instruction, Plan.Node::input)
				.containsExactly("a", "critic", "check", "text");
			assertThat(first.subtasks()).extracting(Plan.Node::id).containsExactly("subtask2");
			assertThat(plan.subtasks().get(1).id()).isEqualTo("subtask3");
			assertThat(plan.subtasks().get(1).input()).isNull();
		});
	}

	@Test
	void prefersTheFencedPlanToBracesInTheProseAroundIt() {
		PlanParser.Verdict verdict = PlanParser.parse("""
				I split {the request} as follows:
				```
				{"subtasks": [{"agent": "critic", "instruction": "check"}]}
				```
				Done {really}.""", DEFAULTS, List.of(), "boss");

		assertThat(verdict).isInstanceOfSatisfying(PlanParser.Valid.class,
				valid -> assertThat(valid.plan().size()).isEqualTo(1));
	}

	@Test
	void rejectsWhatIsNotAPlan() {
		assertThat(reason(null)).contains("empty");
		assertThat(reason("no json here")).contains("holds no JSON object");
		assertThat(reason("{\"subtasks\": [")).contains("holds no JSON object");
		assertThat(reason("{\"subtasks\": [}")).contains("not valid JSON");
		assertThat(reason("{\"subtasks\": {}}")).contains("'subtasks' array");
		assertThat(reason("{\"subtasks\": []}")).contains("no sub-tasks");
		assertThat(reason("{\"subtasks\": [42]}")).contains("subtasks[0] must be an object");
	}

	@Test
	void boundsTheCountAndTheDepth() {
		String eleven = "{\"subtasks\": [" + String.join(",",
				java.util.Collections.nCopies(11, "{\"agent\": \"critic\", \"instruction\": \"x\"}")) + "]}";
		assertThat(reason(eleven)).isEqualTo("the plan has 11 sub-tasks, more than the 10 allowed");
		assertThat(PlanParser.parse(eleven, PlanParser.Limits.of(11, null), List.of(), "boss"))
			.isInstanceOf(PlanParser.Valid.class);
		String deep = """
				{"subtasks": [{"agent": "critic", "instruction": "1", "subtasks": [{"agent": "critic", "instruction": "2",
				 "subtasks": [{"agent": "critic", "instruction": "3"}]}]}]}""";
		assertThat(reason(deep)).contains("subtasks[0].subtasks[0].subtasks nests sub-tasks 3 deep, more than the 2 allowed");
		assertThat(PlanParser.parse(deep, PlanParser.Limits.of(null, 3), List.of(), "boss"))
			.isInstanceOf(PlanParser.Valid.class);
	}

	@Test
	void checksEveryNode() {
		assertThat(reason("{\"subtasks\": [{\"agent\": \"boss\", \"instruction\": \"x\"}]}"))
			.contains("'boss' is not an agent type the plan may use");
		assertThat(reason("{\"subtasks\": [{\"agent\": \"Not Valid\", \"instruction\": \"x\"}]}"))
			.contains("is not an agent type the plan may use");
		assertThat(PlanParser.parse("{\"subtasks\": [{\"agent\": \"critic\", \"instruction\": \"x\"}]}", DEFAULTS,
				List.of("researcher"), "boss"))
			.isEqualTo(new PlanParser.Invalid("subtasks[0].agent 'critic' is not one of the specialists researcher"));
		assertThat(reason("{\"subtasks\": [{\"instruction\": \"x\"}]}")).contains("subtasks[0].agent is required");
		assertThat(reason("{\"subtasks\": [{\"agent\": \"critic\"}]}")).contains("instruction must not be blank");
		assertThat(reason("{\"subtasks\": [{\"agent\": \"critic\", \"instruction\": \"" + "x".repeat(4001) + "\"}]}"))
			.contains("instruction is longer than 4000");
		assertThat(reason("{\"subtasks\": [{\"agent\": \"critic\", \"instruction\": \"x\", \"input\": \""
				+ "x".repeat(65_537) + "\"}]}")).contains("input is longer than 65536");
		assertThat(reason("{\"subtasks\": [{\"id\": \"A b\", \"agent\": \"critic\", \"instruction\": \"x\"}]}"))
			.contains("id 'A b' must be 1 to 64 lower-case letters");
		assertThat(reason("{\"subtasks\": [{\"id\": \"answer\", \"agent\": \"critic\", \"instruction\": \"x\"}]}"))
			.contains("not plan or answer");
		assertThat(reason("{\"subtasks\": [{\"id\": \"a\", \"agent\": \"critic\", \"instruction\": \"x\"},"
				+ "{\"id\": \"a\", \"agent\": \"critic\", \"instruction\": \"y\"}]}")).contains("'a' is not unique");
		assertThat(reason("{\"subtasks\": [{\"agent\": \"critic\", \"instruction\": 7}]}"))
			.contains("instruction must be a string");
	}

	private static String reason(String answer) {
		PlanParser.Verdict verdict = PlanParser.parse(answer, DEFAULTS, List.of(), "boss");
		assertThat(verdict).isInstanceOf(PlanParser.Invalid.class);
		return ((PlanParser.Invalid) verdict).reason();
	}
}
