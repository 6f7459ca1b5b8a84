package io.colony.gateway.job;

import io.colony.contracts.JobInput;
import io.colony.contracts.NoAgentPolicy;
import io.colony.contracts.Priority;
import io.colony.contracts.ReduceStrategy;
import io.colony.contracts.ScatterGather;
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
		ProblemException problem = problemFor(VALID.replace("scatter-gather", "pipeline").replace("\"agent\"",
				"\"stages\":[],\"agent\""));

		assertThat(problem.properties()).containsEntry("field", "pattern");
		assertThat(problem.detail()).contains("pipeline").contains("supported: scatter-gather");
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
