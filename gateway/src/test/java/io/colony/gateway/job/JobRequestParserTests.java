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
import io.colony.contracts.ReduceStrategy;
import io.colony.contracts.ScatterGather;
import io.colony.contracts.Supervisor;
import io.colony.gateway.problem.ProblemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class JobRequestParserTests {

	private final JobRequestParser parser = new JobRequestParser(3);

	private static final String VALID = """
			{"pattern":"scatter-gather","agent":"summarizer","instruction":"Summarize",
			 "inputs":[{"id":"a","content":"one"},{"id":"b","content":"two"}],
			 "reduce":{"strategy":"collect"},"priority":"high","limits":{"deadline":"PT10M","maxAttempts":3}}
			""";

	@Test
	void mapsAFullRequestOntoScatterGather() {
		ScatterGather spec = (ScatterGather) parser.parse(bytes(VALID));

		assertThat(spec.agent()).isEqualTo("summarizer");
		assertThat(spec.instruction()).isEqualTo("Summarize");
		assertThat(spec.inputs()).containsExactly(new JobInput("a", "one"), new JobInput("b", "two"));
		assertThat(spec.reduce().strategy()).isEqualTo(ReduceStrategy.COLLECT);
		assertThat(spec.priority()).isEqualTo(Priority.HIGH);
		assertThat(spec.limits().deadline()).isEqualTo(Duration.ofMinutes(10));
		assertThat(spec.limits().maxAttempts()).isEqualTo(3);
	}

	@Test
	void mapsBudgetsAndTheModelOverride() {
		ScatterGather spec = (ScatterGather) parser.parse(bytes(VALID.replace("\"maxAttempts\":3}",
				"\"maxAttempts\":3,\"maxTokens\":5000,\"maxCostUsd\":0.1}").replace("\"priority\"",
						"\"model\":\"gpt-4o-mini\",\"priority\"")));

		assertThat(spec.limits().maxTokens()).isEqualTo(5000L);
		assertThat(spec.limits().maxCostUsd()).isEqualTo(new BigDecimal("0.1"));
		assertThat(spec.model()).isEqualTo("gpt-4o-mini");
	}

	@Test
	void aWholeDollarBudgetIsADecimalToo() {
		ScatterGather spec = (ScatterGather) parser.parse(bytes(VALID.replace("\"maxAttempts\":3}",
				"\"maxCostUsd\":2}")));

		assertThat(spec.limits().maxCostUsd()).isEqualByComparingTo("2");
		assertThat(spec.limits().maxTokens()).isNull();
	}

	@Test
	void optionalBlocksTakeTheirDefaults() {
		ScatterGather spec = (ScatterGather) parser
			.parse(bytes("{\"agent\":\"x\",\"instruction\":\"y\",\"inputs\":[{\"id\":\"1\",\"content\":\"\"}]}"));

		assertThat(spec.priority()).isEqualTo(Priority.NORMAL);
		assertThat(spec.reduce().strategy()).isEqualTo(ReduceStrategy.COLLECT);
		assertThat(spec.limits().deadline()).isNull();
		assertThat(spec.limits().maxAttempts()).isNull();
		assertThat(spec.limits().maxTokens()).isNull();
		assertThat(spec.limits().maxCostUsd()).isNull();
		assertThat(spec.model()).isNull();
		assertThat(spec.whenNoAgent()).isEqualTo(NoAgentPolicy.REJECT);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "reject, REJECT", "hold, HOLD" })
	void mapsWhenNoAgent(String wireName, NoAgentPolicy policy) {
		ScatterGather spec = (ScatterGather) parser.parse(bytes(VALID.replace("\"priority\"",
				"\"whenNoAgent\":\"" + wireName + "\",\"priority\"")));

		assertThat(spec.whenNoAgent()).isEqualTo(policy);
	}

	@Test
	void rejectsAnUnknownWhenNoAgentNamingTheFieldAndItsValues() {
		ProblemException problem = problemFor(VALID.replace("\"priority\"", "\"whenNoAgent\":\"HOLD\",\"priority\""));

		assertThat(problem.status().value()).isEqualTo(400);
		assertThat(problem.properties()).containsEntry("field", "whenNoAgent");
		assertThat(problem.detail()).isEqualTo("whenNoAgent must be one of: reject, hold (was 'HOLD')");
	}

	@Test
	void namesAnUnknownFieldWithItsPath() {
		ProblemException problem = problemFor(VALID.replace("\"id\":\"b\"", "\"id\":\"b\",\"colour\":\"red\""));

		assertThat(problem.problem()).isEqualTo("unknown-field");
		assertThat(problem.properties()).containsEntry("field", "inputs[1].colour");
		assertThat(problem.detail()).contains("inputs[1].colour").contains("content").contains("id");
	}

	@Test
	void rejectsAnUnknownTopLevelField() {
		ProblemException problem = problemFor(VALID.replace("\"agent\"", "\"agnet\":\"x\",\"agent\""));

		assertThat(problem.properties()).containsEntry("field", "agnet");
	}

	@Test
	void rejectsAnUnknownPatternListingTheSupportedOnes() {
		ProblemException problem = problemFor(VALID.replace("scatter-gather", "map-reduce"));

		assertThat(problem.status().value()).isEqualTo(400);
		assertThat(problem.properties()).containsEntry("field", "pattern");
		assertThat(problem.detail()).contains("map-reduce").contains("supported: scatter-gather, pipeline, supervisor");
	}

	@Test
	void mapsTheNewLimitsForEveryPattern() {
		String limits = "\"limits\":{\"maxConcurrency\":2,\"successRatio\":0.8}";
		JobSpec scatterGather = parser.parse(bytes(VALID.replace("\"limits\":{\"deadline\":\"PT10M\",\"maxAttempts\":3}",
				limits)));
		JobSpec pipeline = parser.parse(bytes(PIPELINE.replace("\"limits\":{\"deadline\":\"PT30M\"}", limits)));
		JobSpec supervisor = parser.parse(bytes(SUPERVISOR.replace("\"limits\":{\"maxTokens\":20000}", limits)));

		for (JobSpec spec : List.of(scatterGather, pipeline, supervisor)) {
			assertThat(spec.limits().maxConcurrency()).isEqualTo(2);
			assertThat(spec.limits().successRatio()).isEqualTo(new BigDecimal("0.8"));
		}
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			zero concurrency     | {"maxConcurrency":0}      | limits.maxConcurrency
			negative concurrency | {"maxConcurrency":-1}     | limits.maxConcurrency
			concurrency string   | {"maxConcurrency":"2"}    | limits.maxConcurrency
			concurrency fraction | {"maxConcurrency":1.5}    | limits.maxConcurrency
			zero ratio           | {"successRatio":0}        | limits.successRatio
			ratio above one      | {"successRatio":1.01}     | limits.successRatio
			negative ratio       | {"successRatio":-0.5}     | limits.successRatio
			ratio as string      | {"successRatio":"0.8"}    | limits.successRatio
			ratio as percent     | {"successRatio":80}       | limits.successRatio
			""")
	void rejectsBadNewLimitsInEveryPattern(String name, String limits, String field) {
		for (String body : List.of(
				VALID.replace("{\"deadline\":\"PT10M\",\"maxAttempts\":3}", limits),
				PIPELINE.replace("{\"deadline\":\"PT30M\"}", limits),
				SUPERVISOR.replace("{\"maxTokens\":20000}", limits))) {
			ProblemException problem = problemFor(body);

			assertThat(problem).as(body).isNotNull();
			assertThat(problem.status().value()).isEqualTo(400);
			assertThat(problem.properties()).containsEntry("field", field);
		}
	}

	// ---- pipeline ------------------------------------------------------------------------------------------

	private static final String PIPELINE = """
			{"pattern":"pipeline",
			 "inputs":[{"id":"acme","content":"Acme Corp"},{"id":"globex","content":"Globex"}],
			 "stages":[{"name":"gather","agent":"researcher","instruction":"Gather facts"},
			           {"name":"analyse","agent":"analyst","instruction":"Analyse","fanOut":"per-input"},
			           {"name":"score","agent":"scorer","instruction":"Score them","fanOut":"once"},
			           {"agent":"writer","instruction":"Write a brief"}],
			 "reduce":{"strategy":"collect"},"priority":"high","limits":{"deadline":"PT30M"},
			 "model":"small","whenNoAgent":"hold"}
			""";

	@Test
	void mapsAPipeline() {
		Pipeline spec = (Pipeline) parser.parse(bytes(PIPELINE));

		assertThat(spec.inputs()).containsExactly(new JobInput("acme", "Acme Corp"), new JobInput("globex", "Globex"));
		assertThat(spec.stages()).containsExactly(new PipelineStage("gather", "researcher", "Gather facts", FanOut.PER_INPUT),
				new PipelineStage("analyse", "analyst", "Analyse", FanOut.PER_INPUT),
				new PipelineStage("score", "scorer", "Score them", FanOut.ONCE),
				new PipelineStage(null, "writer", "Write a brief", FanOut.PER_INPUT));
		assertThat(spec.agent()).isEqualTo("researcher");
		assertThat(spec.agentTypes()).containsExactly("researcher", "analyst", "scorer", "writer");
		assertThat(spec.taskCount()).isEqualTo(2 + 2 + 1 + 1);
		assertThat(spec.priority()).isEqualTo(Priority.HIGH);
		assertThat(spec.limits().deadline()).isEqualTo(Duration.ofMinutes(30));
		assertThat(spec.model()).isEqualTo("small");
		assertThat(spec.whenNoAgent()).isEqualTo(NoAgentPolicy.HOLD);
	}

	@Test
	void aMinimalPipelineTakesTheDefaults() {
		Pipeline spec = (Pipeline) parser.parse(bytes("""
				{"pattern":"pipeline","inputs":[{"id":"a","content":""}],"stages":[{"agent":"x","instruction":"y"}]}
				"""));

		assertThat(spec.reduce().strategy()).isEqualTo(ReduceStrategy.COLLECT);
		assertThat(spec.priority()).isEqualTo(Priority.NORMAL);
		assertThat(spec.limits()).isEqualTo(JobLimits.DEFAULTS);
		assertThat(spec.whenNoAgent()).isEqualTo(NoAgentPolicy.REJECT);
		assertThat(spec.stages().getFirst().fanOut()).isEqualTo(FanOut.PER_INPUT);
	}

	@Test
	void aPipelineWithAScatterGathersAgentIsAnUnknownField() {
		ProblemException problem = problemFor(PIPELINE.replace("\"inputs\"", "\"agent\":\"summarizer\",\"inputs\""));

		assertThat(problem.status().value()).isEqualTo(400);
		assertThat(problem.problem()).isEqualTo("unknown-field");
		assertThat(problem.properties()).containsEntry("field", "agent");
		assertThat(problem.detail()).contains("unknown field 'agent' in a pipeline job").contains("stages");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			instruction at top      | {"pattern":"pipeline","instruction":"i","inputs":[{"id":"a","content":""}],"stages":[{"agent":"x","instruction":"y"}]} | instruction
			supervisor field        | {"pattern":"pipeline","specialists":[],"inputs":[{"id":"a","content":""}],"stages":[{"agent":"x","instruction":"y"}]} | specialists
			unknown stage field     | {"pattern":"pipeline","inputs":[{"id":"a","content":""}],"stages":[{"agent":"x","instruction":"y","model":"m"}]} | stages[0].model
			""")
	void rejectsFieldsAPipelineDoesNotHave(String name, String body, String field) {
		ProblemException problem = problemFor(body);

		assertThat(problem.problem()).isEqualTo("unknown-field");
		assertThat(problem.properties()).containsEntry("field", field);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			missing stages          | {"pattern":"pipeline","inputs":[{"id":"a","content":""}]}                                          | stages
			no stages               | {"pattern":"pipeline","inputs":[{"id":"a","content":""}],"stages":[]}                              | stages
			stages as object        | {"pattern":"pipeline","inputs":[{"id":"a","content":""}],"stages":{"agent":"x"}}                   | stages
			null stage              | {"pattern":"pipeline","inputs":[{"id":"a","content":""}],"stages":[null]}                          | stages[0]
			missing inputs          | {"pattern":"pipeline","stages":[{"agent":"x","instruction":"y"}]}                                  | inputs
			duplicate input id      | {"pattern":"pipeline","inputs":[{"id":"a","content":""},{"id":"a","content":""}],"stages":[{"agent":"x","instruction":"y"}]} | inputs[1].id
			stage without agent     | {"pattern":"pipeline","inputs":[{"id":"a","content":""}],"stages":[{"instruction":"y"}]}           | stages[0].agent
			stage blank instruction | {"pattern":"pipeline","inputs":[{"id":"a","content":""}],"stages":[{"agent":"x","instruction":" "}]} | stages[0].instruction
			stage agent as number   | {"pattern":"pipeline","inputs":[{"id":"a","content":""}],"stages":[{"agent":5,"instruction":"y"}]} | stages[0].agent
			bad fanOut              | {"pattern":"pipeline","inputs":[{"id":"a","content":""}],"stages":[{"agent":"x","instruction":"y","fanOut":"all"}]} | stages[0].fanOut
			upper-case name         | {"pattern":"pipeline","inputs":[{"id":"a","content":""}],"stages":[{"name":"Gather","agent":"x","instruction":"y"}]} | stages[0].name
			name with slash         | {"pattern":"pipeline","inputs":[{"id":"a","content":""}],"stages":[{"name":"a/b","agent":"x","instruction":"y"}]} | stages[0].name
			duplicate name          | {"pattern":"pipeline","inputs":[{"id":"a","content":""}],"stages":[{"name":"s","agent":"x","instruction":"y"},{"name":"s","agent":"x","instruction":"y"}]} | stages[1].name
			name taking a default   | {"pattern":"pipeline","inputs":[{"id":"a","content":""}],"stages":[{"agent":"x","instruction":"y"},{"name":"stage1","agent":"x","instruction":"y"}]} | stages[1].name
			bad priority            | {"pattern":"pipeline","inputs":[{"id":"a","content":""}],"stages":[{"agent":"x","instruction":"y"}],"priority":"asap"} | priority
			""")
	void rejectsInvalidPipelinesNamingTheField(String name, String body, String field) {
		ProblemException problem = problemFor(body);

		assertThat(problem.status().value()).isEqualTo(400);
		assertThat(problem.properties()).containsEntry("field", field);
		assertThat(problem.detail()).contains(field);
	}

	@Test
	void rejectsTooManyStages() {
		String stage = "{\"agent\":\"x\",\"instruction\":\"y\"}";
		ProblemException problem = problemFor("{\"pattern\":\"pipeline\",\"inputs\":[{\"id\":\"a\",\"content\":\"\"}],"
				+ "\"stages\":[" + String.join(",", java.util.Collections.nCopies(JobRequestParser.MAX_STAGES + 1, stage))
				+ "]}");

		assertThat(problem.properties()).containsEntry("field", "stages");
		assertThat(problem.detail()).contains("at most " + JobRequestParser.MAX_STAGES + " stages");
	}

	// ---- supervisor ----------------------------------------------------------------------------------------

	private static final String SUPERVISOR = """
			{"pattern":"supervisor","supervisor":"lead","instruction":"Write a market report",
			 "input":{"id":"report","content":"EV chargers in Europe"},
			 "specialists":["researcher","analyst"],"plan":{"maxSubtasks":8,"maxDepth":2},
			 "reduce":{"strategy":"collect"},"priority":"low","limits":{"maxTokens":20000},"model":"large"}
			""";

	@Test
	void mapsASupervisor() {
		Supervisor spec = (Supervisor) parser.parse(bytes(SUPERVISOR));

		assertThat(spec.supervisor()).isEqualTo("lead");
		assertThat(spec.instruction()).isEqualTo("Write a market report");
		assertThat(spec.input()).isEqualTo(new JobInput("report", "EV chargers in Europe"));
		assertThat(spec.specialists()).containsExactly("researcher", "analyst");
		assertThat(spec.plan()).isEqualTo(new PlanLimits(8, 2));
		assertThat(spec.priority()).isEqualTo(Priority.LOW);
		assertThat(spec.limits().maxTokens()).isEqualTo(20_000L);
		assertThat(spec.model()).isEqualTo("large");
		assertThat(spec.agentTypes()).containsExactly("lead", "researcher", "analyst");
	}

	@Test
	void aMinimalSupervisorTakesTheDefaults() {
		Supervisor spec = (Supervisor) parser.parse(bytes("""
				{"pattern":"supervisor","supervisor":"lead","instruction":"i","input":{"id":"q","content":"c"}}
				"""));

		assertThat(spec.specialists()).isEmpty();
		assertThat(spec.plan()).isEqualTo(PlanLimits.DEFAULTS);
		assertThat(spec.limits()).isEqualTo(JobLimits.DEFAULTS);
		assertThat(spec.whenNoAgent()).isEqualTo(NoAgentPolicy.REJECT);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			agent instead           | {"pattern":"supervisor","agent":"lead","instruction":"i","input":{"id":"q","content":"c"}}        | agent
			inputs instead          | {"pattern":"supervisor","supervisor":"lead","instruction":"i","inputs":[{"id":"q","content":"c"}]} | inputs
			stages                  | {"pattern":"supervisor","supervisor":"lead","instruction":"i","input":{"id":"q","content":"c"},"stages":[]} | stages
			unknown plan field      | {"pattern":"supervisor","supervisor":"lead","instruction":"i","input":{"id":"q","content":"c"},"plan":{"depth":2}} | plan.depth
			unknown input field     | {"pattern":"supervisor","supervisor":"lead","instruction":"i","input":{"id":"q","content":"c","lang":"en"}} | input.lang
			""")
	void rejectsFieldsASupervisorDoesNotHave(String name, String body, String field) {
		ProblemException problem = problemFor(body);

		assertThat(problem.problem()).isEqualTo("unknown-field");
		assertThat(problem.properties()).containsEntry("field", field);
		assertThat(problem.detail()).contains("in a supervisor job");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			missing supervisor      | {"pattern":"supervisor","instruction":"i","input":{"id":"q","content":"c"}}                         | supervisor
			blank supervisor        | {"pattern":"supervisor","supervisor":" ","instruction":"i","input":{"id":"q","content":"c"}}        | supervisor
			missing instruction     | {"pattern":"supervisor","supervisor":"lead","input":{"id":"q","content":"c"}}                       | instruction
			missing input           | {"pattern":"supervisor","supervisor":"lead","instruction":"i"}                                      | input
			input as array          | {"pattern":"supervisor","supervisor":"lead","instruction":"i","input":[{"id":"q","content":"c"}]}   | input
			input as string         | {"pattern":"supervisor","supervisor":"lead","instruction":"i","input":"c"}                          | input
			input without id        | {"pattern":"supervisor","supervisor":"lead","instruction":"i","input":{"content":"c"}}              | input.id
			input without content   | {"pattern":"supervisor","supervisor":"lead","instruction":"i","input":{"id":"q"}}                   | input.content
			specialists as string   | {"pattern":"supervisor","supervisor":"lead","instruction":"i","input":{"id":"q","content":"c"},"specialists":"analyst"} | specialists
			specialist as number    | {"pattern":"supervisor","supervisor":"lead","instruction":"i","input":{"id":"q","content":"c"},"specialists":[3]} | specialists[0]
			blank specialist        | {"pattern":"supervisor","supervisor":"lead","instruction":"i","input":{"id":"q","content":"c"},"specialists":["a",""]} | specialists[1]
			repeated specialist     | {"pattern":"supervisor","supervisor":"lead","instruction":"i","input":{"id":"q","content":"c"},"specialists":["a","a"]} | specialists[1]
			zero subtasks           | {"pattern":"supervisor","supervisor":"lead","instruction":"i","input":{"id":"q","content":"c"},"plan":{"maxSubtasks":0}} | plan.maxSubtasks
			too many subtasks       | {"pattern":"supervisor","supervisor":"lead","instruction":"i","input":{"id":"q","content":"c"},"plan":{"maxSubtasks":51}} | plan.maxSubtasks
			zero depth              | {"pattern":"supervisor","supervisor":"lead","instruction":"i","input":{"id":"q","content":"c"},"plan":{"maxDepth":0}} | plan.maxDepth
			too deep                | {"pattern":"supervisor","supervisor":"lead","instruction":"i","input":{"id":"q","content":"c"},"plan":{"maxDepth":4}} | plan.maxDepth
			depth as string         | {"pattern":"supervisor","supervisor":"lead","instruction":"i","input":{"id":"q","content":"c"},"plan":{"maxDepth":"2"}} | plan.maxDepth
			plan as number          | {"pattern":"supervisor","supervisor":"lead","instruction":"i","input":{"id":"q","content":"c"},"plan":3} | plan
			bad whenNoAgent         | {"pattern":"supervisor","supervisor":"lead","instruction":"i","input":{"id":"q","content":"c"},"whenNoAgent":"later"} | whenNoAgent
			""")
	void rejectsInvalidSupervisorsNamingTheField(String name, String body, String field) {
		ProblemException problem = problemFor(body);

		assertThat(problem.status().value()).isEqualTo(400);
		assertThat(problem.properties()).containsEntry("field", field);
		assertThat(problem.detail()).contains(field);
	}

	@Test
	void reportsEveryInvalidSupervisorFieldAtOnce() {
		ProblemException problem = problemFor("""
				{"pattern":"supervisor","supervisor":"","instruction":"i","input":{"id":" ","content":"c"},
				 "plan":{"maxDepth":9},"priority":"x"}
				""");

		assertThat(problem.properties().get("errors")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
			.hasSize(4);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			missing agent            | {"instruction":"i","inputs":[{"id":"a","content":"c"}]}                         | agent
			blank agent              | {"agent":"  ","instruction":"i","inputs":[{"id":"a","content":"c"}]}            | agent
			missing instruction      | {"agent":"a","inputs":[{"id":"a","content":"c"}]}                               | instruction
			no inputs                | {"agent":"a","instruction":"i","inputs":[]}                                     | inputs
			missing inputs           | {"agent":"a","instruction":"i"}                                                 | inputs
			too many inputs          | {"agent":"a","instruction":"i","inputs":[{"id":"1","content":""},{"id":"2","content":""},{"id":"3","content":""},{"id":"4","content":""}]} | inputs
			duplicate id             | {"agent":"a","instruction":"i","inputs":[{"id":"x","content":""},{"id":"x","content":""}]} | inputs[1].id
			blank id                 | {"agent":"a","instruction":"i","inputs":[{"id":" ","content":""}]}              | inputs[0].id
			missing content          | {"agent":"a","instruction":"i","inputs":[{"id":"x"}]}                           | inputs[0].content
			bad priority             | {"agent":"a","instruction":"i","inputs":[{"id":"x","content":""}],"priority":"urgent"} | priority
			bad strategy             | {"agent":"a","instruction":"i","inputs":[{"id":"x","content":""}],"reduce":{"strategy":"vote"}} | reduce.strategy
			unparsable deadline      | {"agent":"a","instruction":"i","inputs":[{"id":"x","content":""}],"limits":{"deadline":"10 minutes"}} | limits.deadline
			deadline too long        | {"agent":"a","instruction":"i","inputs":[{"id":"x","content":""}],"limits":{"deadline":"PT25H"}} | limits.deadline
			deadline too short       | {"agent":"a","instruction":"i","inputs":[{"id":"x","content":""}],"limits":{"deadline":"PT0.5S"}} | limits.deadline
			zero attempts            | {"agent":"a","instruction":"i","inputs":[{"id":"x","content":""}],"limits":{"maxAttempts":0}} | limits.maxAttempts
			eleven attempts          | {"agent":"a","instruction":"i","inputs":[{"id":"x","content":""}],"limits":{"maxAttempts":11}} | limits.maxAttempts
			attempts as string       | {"agent":"a","instruction":"i","inputs":[{"id":"x","content":""}],"limits":{"maxAttempts":"3"}} | limits.maxAttempts
			attempts as fraction     | {"agent":"a","instruction":"i","inputs":[{"id":"x","content":""}],"limits":{"maxAttempts":2.5}} | limits.maxAttempts
			agent as number          | {"agent":7,"instruction":"i","inputs":[{"id":"x","content":""}]}                | agent
			id as number             | {"agent":"a","instruction":"i","inputs":[{"id":1,"content":""}]}                | inputs[0].id
			inputs as object         | {"agent":"a","instruction":"i","inputs":{"id":"x"}}                             | inputs
			pattern as number        | {"pattern":1,"agent":"a","instruction":"i","inputs":[{"id":"x","content":""}]}  | pattern
			zero tokens              | {"agent":"a","instruction":"i","inputs":[{"id":"x","content":""}],"limits":{"maxTokens":0}} | limits.maxTokens
			negative tokens          | {"agent":"a","instruction":"i","inputs":[{"id":"x","content":""}],"limits":{"maxTokens":-5}} | limits.maxTokens
			fractional tokens        | {"agent":"a","instruction":"i","inputs":[{"id":"x","content":""}],"limits":{"maxTokens":10.5}} | limits.maxTokens
			tokens as string         | {"agent":"a","instruction":"i","inputs":[{"id":"x","content":""}],"limits":{"maxTokens":"5000"}} | limits.maxTokens
			tokens out of range      | {"agent":"a","instruction":"i","inputs":[{"id":"x","content":""}],"limits":{"maxTokens":99999999999999999999}} | limits.maxTokens
			zero dollars             | {"agent":"a","instruction":"i","inputs":[{"id":"x","content":""}],"limits":{"maxCostUsd":0}} | limits.maxCostUsd
			negative dollars         | {"agent":"a","instruction":"i","inputs":[{"id":"x","content":""}],"limits":{"maxCostUsd":-0.5}} | limits.maxCostUsd
			dollars as string        | {"agent":"a","instruction":"i","inputs":[{"id":"x","content":""}],"limits":{"maxCostUsd":"0.50"}} | limits.maxCostUsd
			dollars as boolean       | {"agent":"a","instruction":"i","inputs":[{"id":"x","content":""}],"limits":{"maxCostUsd":true}} | limits.maxCostUsd
			blank model              | {"agent":"a","instruction":"i","inputs":[{"id":"x","content":""}],"model":" "}  | model
			model as number          | {"agent":"a","instruction":"i","inputs":[{"id":"x","content":""}],"model":4}    | model
			unknown whenNoAgent      | {"agent":"a","instruction":"i","inputs":[{"id":"x","content":""}],"whenNoAgent":"wait"} | whenNoAgent
			whenNoAgent as boolean   | {"agent":"a","instruction":"i","inputs":[{"id":"x","content":""}],"whenNoAgent":true} | whenNoAgent
			""")
	void rejectsInvalidFieldsNamingThem(String name, String body, String field) {
		ProblemException problem = problemFor(body);

		assertThat(problem.status().value()).isEqualTo(400);
		assertThat(problem.properties()).containsEntry("field", field);
		assertThat(problem.detail()).contains(field);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			empty body       | ''
			not json         | agent=summarizer
			truncated        | {"agent":"a",
			trailing tokens  | {"agent":"a","instruction":"i","inputs":[{"id":"x","content":""}]} {}
			duplicate key    | {"agent":"a","agent":"b","instruction":"i","inputs":[{"id":"x","content":""}]}
			array body       | [1,2]
			null body        | null
			""")
	void rejectsMalformedJson(String name, String body) {
		ProblemException problem = problemFor(body);

		assertThat(problem.status().value()).isEqualTo(400);
		assertThat(problem.problem()).isEqualTo("malformed-json");
	}

	@Test
	void rejectsAnOverlongModelLikeAnOverlongAgent() {
		ProblemException problem = problemFor(VALID.replace("\"priority\"", "\"model\":\"" + "m".repeat(201)
				+ "\",\"priority\""));

		assertThat(problem.properties()).containsEntry("field", "model");
		assertThat(problem.detail()).contains("model must be at most 200 characters");
	}

	@Test
	void reportsEveryInvalidFieldAtOnce() {
		ProblemException problem = problemFor("{\"agent\":\"\",\"instruction\":\"\",\"inputs\":[],\"priority\":\"x\"}");

		assertThat(problem.properties().get("errors")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
			.hasSize(4);
	}

	@Test
	void digestIsHexSha256OfTheRawBytes() {
		assertThat(JobsController.sha256("abc".getBytes(StandardCharsets.UTF_8)))
			.isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	}

	@Test
	void theJobResourcePassesThePatternAndMissingTasksThrough() {
		io.colony.contracts.JobId job = io.colony.contracts.JobId.random();
		java.time.Instant now = java.time.Instant.now();
		List<io.colony.contracts.MissingTask> missing = List.of(
				new io.colony.contracts.MissingTask("analyse/globex", "failed", "agent gave up"),
				new io.colony.contracts.MissingTask("score", "skipped", "analyse/globex failed"));
		io.colony.contracts.JobView view = new io.colony.contracts.JobView(job, io.colony.contracts.JobStatus.PARTIAL,
				"researcher", io.colony.contracts.TaskCounts.of(6, 3, 1), io.colony.contracts.Usage.NONE, null, now, null,
				now, Pipeline.PATTERN, missing);

		JobsController.JobResource resource = JobsController.JobResource.of(view);

		assertThat(resource.pattern()).isEqualTo("pipeline");
		assertThat(resource.missing()).isEqualTo(missing);
		assertThat(resource.links().self()).isEqualTo("/api/v1/jobs/" + job);
		assertThat(JobsController.JobResource.of(new io.colony.contracts.JobView(job,
				io.colony.contracts.JobStatus.RUNNING, "a", null, null, null, now, null, null, null, null)).pattern())
			.as("an orchestrator that reports no pattern only ran scatter-gather jobs")
			.isEqualTo("scatter-gather");
	}

	@Test
	void malformedJobIdsReadAsUnknownJobs() {
		for (String id : List.of("nope", "", "00000000-0000-0000-0000-00000000000", "0-0-0-0-0")) {
			assertThatThrownBy(() -> JobNotFound.parse(id)).isInstanceOf(JobNotFound.class);
		}
	}

	private ProblemException problemFor(String body) {
		return catchThrowableOfType(ProblemException.class, () -> parser.parse(bytes(body)));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}
}
