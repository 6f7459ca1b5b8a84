package io.colony.benchmarks.status;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FleetReportTests {

	private final JsonMapper json = JsonMapper.builder().build();

	static final String SNAPSHOT = """
			{"observedAt":"2025-11-21T10:00:00Z",
			 "queues":{"status":"available","vhost":"/","deadLetters":3,"queues":[
			   {"name":"agent.summarizer","kind":"agent","deadLetter":false,"ready":1200,"unacked":400,"consumers":2},
			   {"name":"agent.summarizer.dlq","kind":"agent","deadLetter":true,"ready":3,"unacked":0,"consumers":0},
			   {"name":"orchestrator.commands","kind":"service","deadLetter":false,"ready":0,"unacked":0,"consumers":1},
			   {"name":"orchestrator.commands.dlq","kind":"service","deadLetter":true,"ready":0,"unacked":0,"consumers":0}]},
			 "workers":{"status":"available","capacity":10500,"inFlight":49,"workers":[
			   {"agentId":"agent-a","instance":"worker-1","agentTypes":["operator","summarizer"],"capacity":500,
			    "inFlight":12,"lastSeen":"2025-11-21T09:59:57Z"},
			   {"agentId":"agent-b","instance":"worker-2","agentTypes":["summarizer"],"capacity":10000,"inFlight":37,
			    "lastSeen":"2025-11-21T09:55:00Z"}]},
			 "jobs":{"status":"available","byStatus":{"ACCEPTED":1,"RUNNING":2,"SUCCEEDED":1234},"stalled":0},
			 "approvals":{"status":"available","tenant":"acme","pending":2,"more":false,"oldest":[
			   {"requestId":"0b7d3c40-9e0c-4d8e-9a7e-2a9d41b0c002","agentId":"agent-b","resource":"billing",
			    "scope":["billing:write"],"requestedAt":"2025-11-21T09:58:00Z"},
			   {"requestId":"0b7d3c40-9e0c-4d8e-9a7e-2a9d41b0c001","agentId":"agent-a","resource":"inventory",
			    "scope":["inventory:write","inventory:read"],"requestedAt":"2025-11-21T09:59:55Z"}]}}""";

	@Test
	void rendersEverySectionAsAlignedTables() {
		String text = FleetReport.render(json.readTree(SNAPSHOT), "http://127.0.0.1:8080");

		assertThat(text).isEqualTo("""
				Colony fleet at http://127.0.0.1:8080 - snapshot 2025-11-21T10:00:00Z

				QUEUES  vhost /, dead letters 3
				  QUEUE                      READY  UNACKED  CONSUMERS  DEPTH
				  agent.summarizer           1,200      400          2  ##################++++++
				  agent.summarizer.dlq           3        0          0  #  << dead letters
				  orchestrator.commands          0        0          1
				  orchestrator.commands.dlq      0        0          0

				WORKERS  2 live, 49 / 10,500 tasks in flight
				  AGENT    INSTANCE  TYPES                 IN FLIGHT  CAPACITY  LAST SEEN
				  agent-a  worker-1  operator, summarizer         12       500  3 s ago
				  agent-b  worker-2  summarizer                   37    10,000  5 min ago

				JOBS  stalled 0
				  ACCEPTED  RUNNING  SUCCEEDED
				         1        2      1,234

				PENDING APPROVALS  2 waiting, tenant acme
				    WAITING  RESOURCE   SCOPE                           AGENT    REQUEST
				  2 min ago  billing    billing:write                   agent-b  0b7d3c40-9e0c-4d8e-9a7e-2a9d41b0c002
				    5 s ago  inventory  inventory:write inventory:read  agent-a  0b7d3c40-9e0c-4d8e-9a7e-2a9d41b0c001
				  decide them in the console: ./colony token --scope credentials:approve, then /console/
				""");
	}

	@Test
	void aSectionThatCouldNotBeReadSaysWhyAndShowsNoTable() {
		JsonNode snapshot = json.readTree("""
				{"observedAt":"2025-11-21T10:00:00Z",
				 "queues":{"status":"unavailable","reason":"RabbitMQ management API answered 401"},
				 "workers":{"status":"unavailable","reason":"registry did not answer within 2 s"},
				 "jobs":{"status":"unknown","reason":"the orchestrator does not export colony_jobs_active"},
				 "approvals":{"status":"omitted","reason":"needs a token with scope credentials:approve"}}""");

		String text = FleetReport.render(snapshot, "http://gw");

		assertThat(text).contains("\nQUEUES  UNAVAILABLE: RabbitMQ management API answered 401\n")
			.contains("\nWORKERS  UNAVAILABLE: registry did not answer within 2 s\n")
			.contains("\nJOBS  UNKNOWN: the orchestrator does not export colony_jobs_active\n")
			.contains("\nPENDING APPROVALS  OMITTED: needs a token with scope credentials:approve\n")
			.doesNotContain("READY")
			.doesNotContain("AGENT");
	}

	@Test
	void emptyAndMissingSectionsAreSaidPlainly() {
		JsonNode snapshot = json.readTree("""
				{"observedAt":"2025-11-21T10:00:00Z",
				 "queues":{"status":"available","vhost":"v","deadLetters":0,"queues":[]},
				 "workers":{"status":"available","capacity":0,"inFlight":0,"workers":[]},
				 "jobs":{"status":"available","byStatus":{}}}""");

		String text = FleetReport.render(snapshot, "http://gw");

		assertThat(text).contains("QUEUES  vhost v, dead letters 0\n  (no Colony queue in this vhost yet)\n")
			.contains("WORKERS  0 live, 0 / 0 tasks in flight\n  (no live worker")
			.contains("JOBS\n  (no job)\n")
			.contains("PENDING APPROVALS  UNAVAILABLE: not in the snapshot\n");
	}

	@Test
	void barsScaleToTheDeepestQueueAndNeverHideANonEmptyOne() {
		assertThat(FleetReport.bar(0, 0, 100)).isEmpty();
		assertThat(FleetReport.bar(1, 0, 1_000_000)).isEqualTo("#");
		assertThat(FleetReport.bar(0, 1, 1_000_000)).isEqualTo("+");
		assertThat(FleetReport.bar(100, 0, 100)).hasSize(FleetReport.BAR_WIDTH);
		assertThat(FleetReport.bar(50, 50, 100)).isEqualTo("#".repeat(12) + "+".repeat(12));
		assertThat(FleetReport.bar(99, 1, 100)).hasSize(FleetReport.BAR_WIDTH).endsWith("#+");
	}

	@Test
	void aLongListOfAgentTypesIsCutWithACount() {
		List<String> types = List.of("document-extractor", "logic-reviewer", "operator", "researcher", "summarizer");

		assertThat(FleetReport.joinWithin(types, 40)).isEqualTo("document-extractor, logic-reviewer +3");
		assertThat(FleetReport.joinWithin(types, 200)).isEqualTo(String.join(", ", types));
		assertThat(FleetReport.joinWithin(List.of("a-very-long-agent-type-name-indeed"), 10))
			.as("the first always shows")
			.isEqualTo("a-very-long-agent-type-name-indeed");
		assertThat(FleetReport.joinWithin(List.of(), 10)).isEmpty();
	}

	@Test
	void agesAndCounts() {
		Instant now = Instant.parse("2025-11-21T10:00:00Z");
		assertThat(FleetReport.ago(now.minusSeconds(59), now)).isEqualTo("59 s ago");
		assertThat(FleetReport.ago(now.minusSeconds(3 * 3600 + 5), now)).isEqualTo("3 h ago");
		assertThat(FleetReport.ago(now.minusSeconds(3 * 86400), now)).isEqualTo("3 d ago");
		assertThat(FleetReport.ago(now.plusSeconds(2), now)).as("a clock ahead of the gateway's").isEqualTo("0 s ago");
		assertThat(FleetReport.ago(null, now)).isEqualTo("-");
		assertThat(FleetReport.count(json.readTree("1234567"))).isEqualTo("1,234,567");
		assertThat(FleetReport.count(MissingNode.getInstance())).isEqualTo("-");
	}
}
