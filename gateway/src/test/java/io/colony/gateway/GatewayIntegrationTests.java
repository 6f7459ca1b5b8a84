package io.colony.gateway;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.colony.contracts.CancelJob;
import io.colony.contracts.ColonyCommand;
import io.colony.contracts.CommandRejected;
import io.colony.contracts.CommandReply;
import io.colony.contracts.Destinations;
import io.colony.contracts.JobCancellationAccepted;
import io.colony.contracts.JobCompleted;
import io.colony.contracts.JobId;
import io.colony.contracts.JobProgressed;
import io.colony.contracts.JobResult;
import io.colony.contracts.JobStatus;
import io.colony.contracts.JobSubmitted;
import io.colony.contracts.JobView;
import io.colony.contracts.Priority;
import io.colony.contracts.ReduceStrategy;
import io.colony.contracts.ScatterGather;
import io.colony.contracts.SubmitJob;
import io.colony.contracts.TaskCounts;
import io.colony.contracts.TenantId;
import io.colony.contracts.TenantUsage;
import io.colony.contracts.Usage;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.ColonyTopology;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.Outgoing;
import io.colony.platform.testing.Await;
import io.colony.platform.testing.ColonyTestEnvironment;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.FluxExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway against a real RabbitMQ vhost, with a fake orchestrator answering commands on
 * {@code orchestrator.commands} and a fake HTTP server for the orchestrator/aggregator/registry queries.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayIntegrationTests {

	static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	static final FakeUpstreams upstreams = FakeUpstreams.start();

	static final Path keyFile = tempDir().resolve("issuer/local-issuer.jwk");

	static final String ISSUER = "http://127.0.0.1:8080/local-issuer";

	static final TenantId ACME = TenantId.of("acme");

	static final String SILENT_AGENT = "silent";

	/** The fake orchestrator refuses jobs of this agent type as over budget. */
	static final String OVER_BUDGET_AGENT = "spendthrift";

	static final String OVER_BUDGET_DETAIL = "the job needs at least 30 prompt tokens, more than its token budget of 29";

	/** The fake orchestrator refuses jobs of this agent type as over the tenant's concurrent-job quota. */
	static final String CROWDED_AGENT = "crowded";

	/** A tenant with tiny rate limits (see the properties): 2 submissions and 3 other requests a minute. */
	static final String THROTTLED = "throttled";

	/** This class's own Redis keys: other test classes, modules and worktrees share the Redis on 6379. */
	static final String KEY_PREFIX = "colony:test:" + UUID.randomUUID() + ":";

	static final String CONSOLE_ORIGIN = "https://console.example.com";

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry registry) {
		env.properties().forEach((key, value) -> registry.add(key, () -> value));
		registry.add("colony.gateway.orchestrator-url", upstreams::url);
		registry.add("colony.gateway.aggregator-url", upstreams::url);
		registry.add("colony.gateway.registry-url", upstreams::url);
		registry.add("colony.gateway.max-body-size", () -> "64KB");
		registry.add("colony.gateway.max-inputs", () -> "5");
		registry.add("colony.gateway.local-issuer.key-file", keyFile::toString);
		registry.add("colony.messaging.command-timeout", () -> "PT3S");
		registry.add("colony.gateway.limits.key-prefix", () -> KEY_PREFIX);
		registry.add("colony.gateway.limits.tenants." + THROTTLED + ".submissions-per-minute", () -> "2");
		registry.add("colony.gateway.limits.tenants." + THROTTLED + ".requests-per-minute", () -> "3");
		registry.add("colony.gateway.limits.active-jobs-retry-after", () -> "PT7S");
		registry.add("colony.gateway.cors.allowed-origins", () -> CONSOLE_ORIGIN);
	}

	@LocalServerPort
	int port;

	@Autowired
	ColonyConsumers consumers;

	@Autowired
	MessagePublisher publisher;

	@Autowired
	MeterRegistry meters;

	@Autowired
	ReactiveStringRedisTemplate redis;

	WebTestClient web;

	RSAKey signingKey;

	/** Every command the fake orchestrator received, in order. */
	final List<ColonyCommand> commands = new CopyOnWriteArrayList<>();

	final Map<String, SubmitJob> byIdempotencyKey = new ConcurrentHashMap<>();

	@BeforeAll
	void startFakeOrchestrator() throws Exception {
		web = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(30)).build();
		assertThat(keyFile).as("the local issuer creates its key file").exists();
		signingKey = RSAKey.parse(Files.readString(keyFile));
		consumers.consume(ColonyTopology.serviceQueue(Destinations.ORCHESTRATOR_COMMANDS_QUEUE), ColonyCommand.class, 10,
				1, inbound -> {
					ColonyCommand command = inbound.payload();
					commands.add(command);
					if (command instanceof SubmitJob submit && submit.spec().agent().equals(SILENT_AGENT)) {
						return CompletableFuture.completedFuture(null);
					}
					return publisher.reply(inbound, answer(command));
				});
	}

	@AfterAll
	void cleanUp() {
		try {
			redis.keys(KEY_PREFIX + "*").concatMap(redis::delete).then().block(Duration.ofSeconds(10));
		}
		finally {
			upstreams.close();
			env.close();
		}
	}

	private CommandReply answer(ColonyCommand command) {
		return switch (command) {
			case SubmitJob submit when submit.spec().agent().equals(OVER_BUDGET_AGENT) ->
				new CommandRejected("budget-exceeded", 422, "Budget exceeded", OVER_BUDGET_DETAIL);
			case SubmitJob submit when submit.spec().agent().equals(CROWDED_AGENT) ->
				new CommandRejected("too-many-active-jobs", 429, "Too many active jobs",
						"tenant '" + submit.tenant() + "' has 5 jobs accepted or running, its limit is 5");
			case SubmitJob submit when submit.idempotencyKey() != null -> {
				SubmitJob first = byIdempotencyKey.putIfAbsent(submit.idempotencyKey(), submit);
				if (first == null) {
					yield new JobSubmitted(submit.jobId(), JobStatus.ACCEPTED, false);
				}
				yield first.requestDigest().equals(submit.requestDigest())
						? new JobSubmitted(first.jobId(), JobStatus.ACCEPTED, true)
						: new CommandRejected("idempotency-key-reuse", 422, "Idempotency key reused",
								"this key was used for another request body");
			}
			case SubmitJob submit -> new JobSubmitted(submit.jobId(), JobStatus.ACCEPTED, false);
			case CancelJob cancel when upstreams.jobs.containsKey(cancel.jobId().toString())
					&& upstreams.jobs.get(cancel.jobId().toString()).tenant().equals(cancel.tenant()) ->
				new JobCancellationAccepted(cancel.jobId(), JobStatus.CANCELLED);
			case CancelJob cancel -> new CommandRejected("job-not-found", 404, "Job not found", "no job " + cancel.jobId());
			default -> new CommandRejected("unknown-command", 400, "Unknown command", "?");
		};
	}

	// ---- submission -------------------------------------------------------------------------------------

	static final String JOB = """
			{"pattern":"scatter-gather","agent":"summarizer","instruction":"Summarize in one line",
			 "inputs":[{"id":"a","content":"first"},{"id":"b","content":"second"}],
			 "reduce":{"strategy":"collect"},"priority":"high","limits":{"deadline":"PT10M","maxAttempts":3}}""";

	@Test
	void acceptsAJobAndLinksItsResources() {
		int before = commands.size();

		var body = web.post().uri("/api/v1/jobs").headers(bearer(token("acme", "jobs:write")))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(JOB)
			.exchange()
			.expectStatus().isAccepted()
			.expectHeader().valueMatches(HttpHeaders.LOCATION, "/api/v1/jobs/[0-9a-f-]{36}")
			.expectBody()
			.jsonPath("$.status").isEqualTo("ACCEPTED")
			.returnResult();
		String json = new String(body.getResponseBodyContent(), StandardCharsets.UTF_8);
		String jobId = json.replaceAll(".*\"jobId\":\"([^\"]+)\".*", "$1");
		assertThat(json).contains("\"self\":\"/api/v1/jobs/" + jobId + "\"")
			.contains("\"events\":\"/api/v1/jobs/" + jobId + "/events\"")
			.contains("\"results\":\"/api/v1/jobs/" + jobId + "/results\"");

		SubmitJob sent = (SubmitJob) commands.get(before);
		assertThat(sent.jobId().toString()).isEqualTo(jobId);
		assertThat(sent.tenant()).isEqualTo(ACME);
		assertThat(sent.idempotencyKey()).isNull();
		assertThat(sent.requestDigest()).isEqualTo(sha256(JOB));
		ScatterGather spec = (ScatterGather) sent.spec();
		assertThat(spec.inputs()).hasSize(2);
		assertThat(spec.priority()).isEqualTo(Priority.HIGH);
		assertThat(spec.reduce().strategy()).isEqualTo(ReduceStrategy.COLLECT);
		assertThat(spec.limits().deadline()).isEqualTo(Duration.ofMinutes(10));
		assertThat(spec.limits().maxAttempts()).isEqualTo(3);
	}

	@Test
	void passesBudgetsAndTheModelOverrideOn() {
		String job = JOB.replace("\"maxAttempts\":3}", "\"maxAttempts\":3,\"maxTokens\":5000,\"maxCostUsd\":0.25}")
			.replace("\"priority\"", "\"model\":\"gpt-4o-mini\",\"priority\"");
		String key = "budget-" + UUID.randomUUID();

		submitWithKey(key, job).expectStatus().isAccepted();

		SubmitJob sent = commands.stream().filter(SubmitJob.class::isInstance).map(SubmitJob.class::cast)
			.filter(command -> key.equals(command.idempotencyKey())).findFirst().orElseThrow();
		ScatterGather spec = (ScatterGather) sent.spec();
		assertThat(spec.limits().maxTokens()).isEqualTo(5000L);
		assertThat(spec.limits().maxCostUsd()).isEqualTo(new BigDecimal("0.25"));
		assertThat(spec.model()).isEqualTo("gpt-4o-mini");
	}

	@Test
	void theOrchestratorsBudgetRefusalIsA422Problem() {
		web.post().uri("/api/v1/jobs").headers(bearer(token("acme", "jobs:write")))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(JOB.replace("summarizer", OVER_BUDGET_AGENT))
			.exchange()
			.expectStatus().isEqualTo(422)
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("urn:colony:problem:budget-exceeded")
			.jsonPath("$.detail").isEqualTo(OVER_BUDGET_DETAIL);
	}

	@Test
	void theSameIdempotencyKeyAndBodyReturnTheSameJob() {
		String key = "key-" + UUID.randomUUID();
		String first = submitWithKey(key, JOB).expectStatus().isAccepted().expectBody(Map.class).returnResult()
			.getResponseBody().get("jobId").toString();
		String second = submitWithKey(key, JOB).expectStatus().isAccepted().expectBody(Map.class).returnResult()
			.getResponseBody().get("jobId").toString();

		assertThat(second).isEqualTo(first);
		List<SubmitJob> sent = commands.stream().filter(SubmitJob.class::isInstance).map(SubmitJob.class::cast)
			.filter(command -> key.equals(command.idempotencyKey())).toList();
		assertThat(sent).hasSize(2).allSatisfy(command -> assertThat(command.requestDigest()).isEqualTo(sha256(JOB)));

		submitWithKey(key, JOB.replace("first", "changed")).expectStatus().isEqualTo(422)
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:idempotency-key-reuse");
	}

	@Test
	void invalidSubmissionsAreProblemsAndNothingIsPublished() {
		int before = commands.size();
		String write = token("acme", "jobs:write");

		badJob(write, "{\"agent\":", 400, "malformed-json", null);
		badJob(write, JOB.replace("\"agent\"", "\"colour\":\"red\",\"agent\""), 400, "unknown-field", "colour");
		badJob(write, JOB.replace("\"agent\":\"summarizer\",", ""), 400, "invalid-job-request", "agent");
		badJob(write, JOB.replace("\"instruction\":\"Summarize in one line\",", "\"instruction\":\" \","), 400,
				"invalid-job-request", "instruction");
		badJob(write, JOB.replace("\"id\":\"b\"", "\"id\":\"a\""), 400, "invalid-job-request", "inputs[1].id");
		badJob(write, JOB.replace("\"inputs\":[{\"id\":\"a\",\"content\":\"first\"},{\"id\":\"b\",\"content\":\"second\"}]",
				"\"inputs\":[]"), 400, "invalid-job-request", "inputs");
		badJob(write, JOB.replace("\"inputs\":[", "\"inputs\":[{\"id\":\"c\",\"content\":\"\"},{\"id\":\"d\",\"content\":\"\"},"
				+ "{\"id\":\"e\",\"content\":\"\"},{\"id\":\"f\",\"content\":\"\"},"), 400, "invalid-job-request", "inputs");
		badJob(write, JOB.replace("scatter-gather", "map-reduce"), 400, "invalid-job-request", "pattern");
		badJob(write, JOB.replace("scatter-gather", "pipeline"), 400, "unknown-field", "agent");
		badJob(write, JOB.replace("high", "urgent"), 400, "invalid-job-request", "priority");
		badJob(write, JOB.replace("PT10M", "PT48H"), 400, "invalid-job-request", "limits.deadline");
		badJob(write, JOB.replace("\"maxAttempts\":3", "\"maxAttempts\":\"3\""), 400, "invalid-job-request",
				"limits.maxAttempts");
		badJob(write, JOB.replace("\"maxAttempts\":3", "\"maxAttempts\":3,\"maxTokens\":0"), 400,
				"invalid-job-request", "limits.maxTokens");
		badJob(write, JOB.replace("\"maxAttempts\":3", "\"maxAttempts\":3,\"maxCostUsd\":-1"), 400,
				"invalid-job-request", "limits.maxCostUsd");
		badJob(write, JOB.replace("\"maxAttempts\":3", "\"maxAttempts\":3,\"maxCostUsd\":\"1\""), 400,
				"invalid-job-request", "limits.maxCostUsd");
		badJob(write, JOB.replace("\"priority\"", "\"model\":\"\",\"priority\""), 400, "invalid-job-request",
				"model");
		String oversize = JOB.replace("first", "x".repeat(70 * 1024));
		badJob(write, oversize, 413, "payload-too-large", null);

		web.post().uri("/api/v1/jobs").headers(bearer(write)).contentType(MediaType.APPLICATION_JSON)
			.body(BodyInserters.fromDataBuffers(chunked(oversize)))
			.exchange()
			.expectStatus().isEqualTo(413)
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
		web.post().uri("/api/v1/jobs").headers(bearer(write)).contentType(MediaType.TEXT_PLAIN).bodyValue(JOB)
			.exchange()
			.expectStatus().isEqualTo(415)
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:unsupported-media-type");
		submitWithKey("k".repeat(201), JOB).expectStatus().isBadRequest()
			.expectBody().jsonPath("$.field").isEqualTo("Idempotency-Key");

		// a valid job afterwards is the first command the orchestrator sees after the baseline
		String sentinel = "sentinel-" + UUID.randomUUID();
		submitWithKey(sentinel, JOB).expectStatus().isAccepted();
		List<ColonyCommand> published = Await.untilValue(Duration.ofSeconds(10), "the sentinel submission",
				() -> List.copyOf(commands.subList(before, commands.size())),
				list -> list.stream().anyMatch(c -> c instanceof SubmitJob s && sentinel.equals(s.idempotencyKey())));
		assertThat(published).hasSize(1);
	}

	@Test
	void anUnansweredCommandIsA503WithRetryAfter() {
		web.post().uri("/api/v1/jobs").headers(bearer(token("acme", "jobs:write")))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(JOB.replace("summarizer", SILENT_AGENT))
			.exchange()
			.expectStatus().isEqualTo(503)
			.expectHeader().exists(HttpHeaders.RETRY_AFTER)
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:orchestrator-unavailable");
	}

	// ---- security ---------------------------------------------------------------------------------------

	@Test
	void requestsWithoutAValidTokenAreRejected() {
		JobId job = storedJob(ACME, JobStatus.RUNNING);
		String path = "/api/v1/jobs/" + job;

		web.get().uri(path).exchange()
			.expectStatus().isUnauthorized()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader().valueMatches(HttpHeaders.WWW_AUTHENTICATE, "Bearer.*")
			.expectBody().jsonPath("$.status").isEqualTo(401);

		RSAKey stranger = generateKey();
		web.get().uri(path).headers(bearer(sign(stranger, claims("acme", "jobs:read", Instant.now().plusSeconds(60)))))
			.exchange()
			.expectStatus().isUnauthorized()
			.expectHeader().valueMatches(HttpHeaders.WWW_AUTHENTICATE, "Bearer.*invalid_token.*")
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:invalid-token");

		web.get().uri(path).headers(bearer(sign(signingKey, claims("acme", "jobs:read", Instant.now().minusSeconds(10)))))
			.exchange()
			.expectStatus().isUnauthorized()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);

		web.get().uri(path).headers(bearer("not-a-jwt")).exchange().expectStatus().isUnauthorized();
	}

	@Test
	void aTokenExpiredWithinTheClockSkewIsStillAccepted() {
		JobId job = storedJob(ACME, JobStatus.RUNNING);

		web.get().uri("/api/v1/jobs/" + job)
			.headers(bearer(sign(signingKey, claims("acme", "jobs:read", Instant.now().minusSeconds(3)))))
			.exchange()
			.expectStatus().isOk();
	}

	@Test
	void aTokenWithoutTheScopeIsForbidden() {
		web.post().uri("/api/v1/jobs").headers(bearer(token("acme", "jobs:read")))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(JOB)
			.exchange()
			.expectStatus().isForbidden()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader().valueMatches(HttpHeaders.WWW_AUTHENTICATE, ".*insufficient_scope.*")
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:insufficient-scope");
		web.get().uri("/api/v1/registry/agents").headers(bearer(token("acme", "jobs:read jobs:write")))
			.exchange()
			.expectStatus().isForbidden();
	}

	@Test
	void keyOperationsOnTheRegistryNeedTheWriteScopeAndAreForwarded() {
		String reader = token("acme", "registry:read");
		web.post().uri("/api/v1/registry/agents/{agent}/keys/{key}/revoke", "a-1", "k-1").headers(bearer(reader))
			.exchange()
			.expectStatus().isForbidden()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:insufficient-scope");
		web.post().uri("/api/v1/registry/agents/{agent}/keys/rotate", "a-1").headers(bearer(reader))
			.exchange()
			.expectStatus().isForbidden();
		assertThat(upstreams.requests).noneMatch(r -> r.startsWith("POST /api/v1/registry/"));

		String operator = token("acme", "registry:write");
		web.post().uri("/api/v1/registry/agents/{agent}/keys/{key}/revoke", "a-1", "k-1").headers(bearer(operator))
			.exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.agentId").isEqualTo("a-1");
		web.post().uri("/api/v1/registry/agents/{agent}/keys/rotate", "a-1").headers(bearer(operator))
			.exchange()
			.expectStatus().isAccepted();
		assertThat(upstreams.requests).anyMatch(r -> r.startsWith("POST /api/v1/registry/agents/a-1/keys/k-1/revoke"))
			.anyMatch(r -> r.startsWith("POST /api/v1/registry/agents/a-1/keys/rotate"));
	}

	@Test
	void theTokenEndpointMintsUsableTokens() {
		Map<?, ?> response = web.post().uri("/oauth2/token")
			.headers(headers -> headers.setBasicAuth("colony-cli", "colony-local-secret"))
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.bodyValue("grant_type=client_credentials&tenant=acme&scope=registry:read&ttl=600")
			.exchange()
			.expectStatus().isOk()
			.expectHeader().cacheControl(org.springframework.http.CacheControl.noStore())
			.expectBody(Map.class).returnResult().getResponseBody();

		assertThat(response.get("token_type")).isEqualTo("Bearer");
		assertThat(response.get("expires_in")).isEqualTo(600);
		assertThat(response.get("scope")).isEqualTo("registry:read");
		String token = (String) response.get("access_token");

		web.get().uri("/api/v1/registry/agents?type={type}&capability={capability}", "summarizer", "a&b").headers(bearer(token))
			.exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.agents").isArray();
		assertThat(upstreams.requests).anyMatch(r -> r.startsWith("GET /api/v1/registry/agents?type=summarizer&capability=a%26b"));

		String defaults = (String) web.post().uri("/oauth2/token")
			.headers(headers -> headers.setBasicAuth("colony-cli", "colony-local-secret"))
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.bodyValue("grant_type=client_credentials")
			.exchange()
			.expectStatus().isOk()
			.expectBody(Map.class).returnResult().getResponseBody().get("scope");
		assertThat(defaults).isEqualTo("jobs:read jobs:write registry:read agents:read agents:write");
	}

	@Test
	void theTokenEndpointRefusesBadClientsAndRequests() {
		web.post().uri("/oauth2/token")
			.headers(headers -> headers.setBasicAuth("colony-cli", "wrong"))
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.bodyValue("grant_type=client_credentials")
			.exchange()
			.expectStatus().isUnauthorized()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().jsonPath("$.error").isEqualTo("invalid_client");
		web.post().uri("/oauth2/token")
			.headers(headers -> headers.setBasicAuth("colony-cli", "colony-local-secret"))
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.bodyValue("grant_type=password")
			.exchange()
			.expectStatus().isBadRequest()
			.expectBody().jsonPath("$.error").isEqualTo("unsupported_grant_type");
		web.post().uri("/oauth2/token")
			.headers(headers -> headers.setBasicAuth("colony-cli", "colony-local-secret"))
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.bodyValue("grant_type=client_credentials&ttl=86401")
			.exchange()
			.expectStatus().isBadRequest()
			.expectBody().jsonPath("$.field").isEqualTo("ttl");
		web.get().uri("/oauth2/jwks").exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.keys[0].kid").isEqualTo(signingKey.getKeyID())
			.jsonPath("$.keys[0].d").doesNotExist();
	}

	// ---- queries ----------------------------------------------------------------------------------------

	@Test
	void servesTheTenantsJobViewWithLinks() {
		JobId job = storedJob(ACME, JobStatus.RUNNING);

		web.get().uri("/api/v1/jobs/" + job).headers(bearer(token("acme", "jobs:read")))
			.exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.jobId").isEqualTo(job.toString())
			.jsonPath("$.status").isEqualTo("RUNNING")
			.jsonPath("$.tasks.total").isEqualTo(4)
			.jsonPath("$.tasks.running").isEqualTo(3)
			.jsonPath("$.usage.promptTokens").isEqualTo(10)
			.jsonPath("$.usage.toolCalls").isEqualTo(2)
			.jsonPath("$.usage.costUsd").isEqualTo(0.0123)
			.jsonPath("$.links.events").isEqualTo("/api/v1/jobs/" + job + "/events");

		web.get().uri("/api/v1/jobs/" + job).headers(bearer(token("globex", "jobs:read")))
			.exchange()
			.expectStatus().isNotFound()
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:job-not-found");
		web.get().uri("/api/v1/jobs/not-a-uuid").headers(bearer(token("acme", "jobs:read")))
			.exchange()
			.expectStatus().isNotFound()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
		web.get().uri("/api/v1/jobs/" + JobId.random()).headers(bearer(token("acme", "jobs:read")))
			.exchange()
			.expectStatus().isNotFound();
	}

	@Test
	void resultsAreProxiedOnlyForTheTenantsJobs() {
		JobId job = storedJob(ACME, JobStatus.SUCCEEDED);

		web.get().uri("/api/v1/jobs/" + job + "/results?page=2&size=50").headers(bearer(token("acme", "jobs:read")))
			.exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.jobId").isEqualTo(job.toString());
		assertThat(upstreams.requests)
			.contains("GET /internal/v1/jobs/" + job + "/results?page=2&size=50 tenant=acme");

		web.get().uri("/api/v1/jobs/" + job + "/results?size=5000").headers(bearer(token("acme", "jobs:read")))
			.exchange()
			.expectStatus().isBadRequest()
			.expectBody().jsonPath("$.field").isEqualTo("size");
		web.get().uri("/api/v1/jobs/" + job + "/results?page=x").headers(bearer(token("acme", "jobs:read")))
			.exchange()
			.expectStatus().isBadRequest();
		web.get().uri("/api/v1/jobs/" + job + "/results").headers(bearer(token("globex", "jobs:read")))
			.exchange()
			.expectStatus().isNotFound();
		assertThat(upstreams.requests).noneMatch(r -> r.contains(job + "/results") && r.endsWith("tenant=globex"));
	}

	@Test
	void servesTheCallersTenantUsageAndNoOneElses() {
		upstreams.usage.put("acme", new TenantUsage(ACME, new Usage(120_000, 30_000, 42, 7, new BigDecimal("0.4711")),
				3, Instant.parse("2026-01-01T12:00:00Z")));

		web.get().uri("/api/v1/usage").headers(bearer(token("acme", "jobs:read")))
			.exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.tenant").isEqualTo("acme")
			.jsonPath("$.usage.promptTokens").isEqualTo(120_000)
			.jsonPath("$.usage.completionTokens").isEqualTo(30_000)
			.jsonPath("$.usage.llmCalls").isEqualTo(42)
			.jsonPath("$.usage.toolCalls").isEqualTo(7)
			.jsonPath("$.usage.costUsd").isEqualTo(0.4711)
			.jsonPath("$.jobs").isEqualTo(3);
		assertThat(upstreams.requests).contains("GET /internal/v1/usage tenant=acme");

		web.get().uri("/api/v1/usage").headers(bearer(token("globex", "jobs:read")))
			.exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.tenant").isEqualTo("globex")
			.jsonPath("$.jobs").isEqualTo(0);
		web.get().uri("/api/v1/usage?tenant=acme").headers(bearer(token("globex", "jobs:read")))
			.exchange()
			.expectStatus().isOk()
			.expectBody().jsonPath("$.tenant").isEqualTo("globex");
		web.get().uri("/api/v1/usage").headers(bearer(token("acme", "jobs:write")))
			.exchange()
			.expectStatus().isForbidden()
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:insufficient-scope");
		web.get().uri("/api/v1/usage").exchange().expectStatus().isUnauthorized();
	}

	@Test
	void cancelsAJob() {
		JobId job = storedJob(ACME, JobStatus.RUNNING);

		web.delete().uri("/api/v1/jobs/" + job).headers(bearer(token("acme", "jobs:write")))
			.exchange()
			.expectStatus().isAccepted()
			.expectBody()
			.jsonPath("$.jobId").isEqualTo(job.toString())
			.jsonPath("$.status").isEqualTo("CANCELLED");
		web.delete().uri("/api/v1/jobs/" + job).headers(bearer(token("globex", "jobs:write")))
			.exchange()
			.expectStatus().isNotFound()
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:job-not-found");
	}

	// ---- events -----------------------------------------------------------------------------------------

	@Test
	void streamsASnapshotThenLiveEventsUntilTheJobCompletes() {
		JobId job = storedJob(ACME, JobStatus.RUNNING);

		FluxExchangeResult<ServerSentEvent<String>> result = web.get().uri("/api/v1/jobs/" + job + "/events")
			.headers(bearer(token("acme", "jobs:read")))
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus().isOk()
			.expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
			.returnResult(new ParameterizedTypeReference<>() {
			});

		StepVerifier.create(result.getResponseBody().filter(sse -> sse.event() != null))
			.assertNext(sse -> {
				assertThat(sse.event()).isEqualTo("job.progress");
				assertThat(sse.id()).isEqualTo("1");
				assertThat(sse.data()).contains("\"succeeded\":1").contains("\"costUsd\":0.0123");
			})
			.then(() -> publish(new JobProgressed(job, TenantId.of("globex"), TaskCounts.of(4, 4, 0), Instant.now())))
			.then(() -> publish(new JobProgressed(job, ACME, TaskCounts.of(4, 3, 0), Instant.now())))
			.assertNext(sse -> {
				assertThat(sse.event()).isEqualTo("job.progress");
				assertThat(sse.id()).isEqualTo("2");
				assertThat(sse.data()).contains("\"succeeded\":3").contains(job.toString());
			})
			.then(() -> publish(new JobCompleted(job, ACME, JobStatus.SUCCEEDED, TaskCounts.of(4, 4, 0), Usage.NONE,
					new JobResult(ReduceStrategy.COLLECT, 4, null), Instant.now())))
			.assertNext(sse -> {
				assertThat(sse.event()).isEqualTo("job.completed");
				assertThat(sse.data()).contains("\"status\":\"SUCCEEDED\"");
			})
			.expectComplete()
			.verify(Duration.ofSeconds(30));
	}

	@Test
	void aFinishedJobStreamsOneCompletionAndEnds() {
		JobId job = storedJob(ACME, JobStatus.PARTIAL);

		List<ServerSentEvent<String>> events = web.get().uri("/api/v1/jobs/" + job + "/events")
			.headers(bearer(token("acme", "jobs:read")))
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus().isOk()
			.returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() {
			})
			.getResponseBody()
			.collectList()
			.block(Duration.ofSeconds(30));

		assertThat(events).singleElement().satisfies(sse -> {
			assertThat(sse.event()).isEqualTo("job.completed");
			assertThat(sse.data()).contains("\"status\":\"PARTIAL\"");
		});
	}

	@Test
	void anotherTenantsJobHasNoEventStream() {
		JobId job = storedJob(ACME, JobStatus.RUNNING);

		web.get().uri("/api/v1/jobs/" + job + "/events")
			.headers(bearer(token("globex", "jobs:read")))
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus().isNotFound()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:job-not-found");
	}

	// ---- protection: rate limits and the concurrent-job quota ---------------------------------------------

	@Test
	void submissionsOverTheTenantsRateAre429WithRetryAfterAndNothingIsPublished() {
		String client = token(THROTTLED, "jobs:read jobs:write");
		for (int i = 0; i < 2; i++) {
			web.post().uri("/api/v1/jobs").headers(bearer(client)).contentType(MediaType.APPLICATION_JSON).bodyValue(JOB)
				.exchange()
				.expectStatus().isAccepted();
		}

		var refused = web.post().uri("/api/v1/jobs").headers(bearer(client)).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(JOB)
			.exchange()
			.expectStatus().isEqualTo(429)
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("urn:colony:problem:rate-limited")
			.jsonPath("$.budget").isEqualTo("submissions")
			.jsonPath("$.limit").isEqualTo(2)
			.jsonPath("$.window").isEqualTo("PT1M")
			.jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("'throttled'"))
			.returnResult();
		long retryAfter = Long.parseLong(refused.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER));
		assertThat(retryAfter).as("seconds until the first submission leaves the minute").isBetween(1L, 60L);
		assertThat(commands).filteredOn(command -> command instanceof SubmitJob submit
				&& submit.tenant().value().equals(THROTTLED)).hasSize(2);

		// reads draw on their own budget: the refused submissions did not touch it
		for (int i = 0; i < 3; i++) {
			web.get().uri("/api/v1/usage").headers(bearer(client)).exchange().expectStatus().isOk();
		}
		web.get().uri("/api/v1/usage").headers(bearer(client)).exchange()
			.expectStatus().isEqualTo(429)
			.expectHeader().exists(HttpHeaders.RETRY_AFTER)
			.expectBody().jsonPath("$.budget").isEqualTo("requests");
		assertThat(upstreams.requests).filteredOn(r -> r.equals("GET /internal/v1/usage tenant=" + THROTTLED))
			.hasSize(3);

		// another tenant is not affected
		web.post().uri("/api/v1/jobs").headers(bearer(token("acme", "jobs:write"))).contentType(MediaType.APPLICATION_JSON)
			.bodyValue(JOB).exchange().expectStatus().isAccepted();
		assertThat(refusals(THROTTLED, "submissions")).isEqualTo(1);
		assertThat(refusals(THROTTLED, "requests")).isEqualTo(1);
		assertThat(meters.find("colony.gateway.rate.limited").tag("tenant", "acme").counters()).isEmpty();
		assertThat(meters.get("colony.gateway.rate.limit.degraded").gauge().value()).as("Redis answered").isZero();
	}

	@Test
	void theOrchestratorsConcurrentJobQuotaIsA429WithRetryAfter() {
		double before = refusals("acme", "too-many-active-jobs");

		web.post().uri("/api/v1/jobs").headers(bearer(token("acme", "jobs:write")))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(JOB.replace("summarizer", CROWDED_AGENT))
			.exchange()
			.expectStatus().isEqualTo(429)
			.expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "7")
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("urn:colony:problem:too-many-active-jobs")
			.jsonPath("$.detail").isEqualTo("tenant 'acme' has 5 jobs accepted or running, its limit is 5");

		assertThat(refusals("acme", "too-many-active-jobs")).isEqualTo(before + 1);
	}

	// ---- protection: tenant isolation ---------------------------------------------------------------------

	@Test
	void anotherTenantsJobIsNotFoundOnEveryRouteAndIndistinguishableFromNone() {
		JobId job = storedJob(ACME, JobStatus.RUNNING);
		JobId none = JobId.random();
		String globex = token("globex", "jobs:read jobs:write");

		for (JobId id : List.of(job, none)) {
			String path = "/api/v1/jobs/" + id;
			notFound(web.get().uri(path).headers(bearer(globex)).exchange(), id);
			notFound(web.get().uri(path + "/results").headers(bearer(globex)).exchange(), id);
			notFound(web.get().uri(path + "/results?page=0&size=10").headers(bearer(globex)).exchange(), id);
			notFound(web.get().uri(path + "/events").headers(bearer(globex)).accept(MediaType.TEXT_EVENT_STREAM)
				.exchange(), id);
			web.delete().uri(path).headers(bearer(globex)).exchange()
				.expectStatus().isNotFound()
				.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:job-not-found");
		}

		assertThat(upstreams.requests).as("the aggregator is never asked for another tenant's results")
			.noneMatch(r -> r.contains(job + "/results"));
		assertThat(commands).as("the cancellation went out under the caller's tenant, never acme's")
			.filteredOn(command -> command instanceof CancelJob cancel && cancel.jobId().equals(job))
			.allSatisfy(command -> assertThat(((CancelJob) command).tenant()).isEqualTo(TenantId.of("globex")));
		web.get().uri("/api/v1/jobs/" + job).headers(bearer(token("acme", "jobs:read"))).exchange()
			.expectStatus().isOk();
	}

	@Test
	void theRegistryIsFleetWideSoEveryTenantSeesTheSameAgentsAndNoTenantIsSent() {
		int before = upstreams.requests.size();

		byte[] acme = web.get().uri("/api/v1/registry/agents").headers(bearer(token("acme", "registry:read")))
			.exchange().expectStatus().isOk().expectBody().returnResult().getResponseBodyContent();
		byte[] globex = web.get().uri("/api/v1/registry/agents").headers(bearer(token("globex", "registry:read")))
			.exchange().expectStatus().isOk().expectBody().returnResult().getResponseBodyContent();

		assertThat(globex).isEqualTo(acme);
		assertThat(upstreams.requests.subList(before, upstreams.requests.size()))
			.containsExactly("GET /api/v1/registry/agents tenant=null", "GET /api/v1/registry/agents tenant=null");
	}

	// ---- protection: request sizes ------------------------------------------------------------------------

	@Test
	void everyRequestBodyIsCappedWhateverTheRoute() {
		int before = upstreams.requests.size();
		byte[] oversize = new byte[70 * 1024];

		web.post().uri("/api/v1/registry/agents/{agent}/keys/rotate", "a-1").headers(bearer(token("acme", "registry:write")))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(oversize)
			.exchange()
			.expectStatus().isEqualTo(413)
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:payload-too-large");
		// refused before authentication: nobody gets to send that much
		web.post().uri("/api/v1/jobs").contentType(MediaType.APPLICATION_JSON).bodyValue(oversize)
			.exchange()
			.expectStatus().isEqualTo(413);
		assertThat(upstreams.requests.subList(before, upstreams.requests.size())).isEmpty();

		String form = "grant_type=client_credentials&tenant=acme&pad=" + "x".repeat(20 * 1024);
		web.post().uri("/oauth2/token").headers(headers -> headers.setBasicAuth("colony-cli", "colony-local-secret"))
			.contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue(form)
			.exchange()
			.expectStatus().isEqualTo(413)
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:payload-too-large");
		web.post().uri("/oauth2/token").headers(headers -> headers.setBasicAuth("colony-cli", "colony-local-secret"))
			.contentType(MediaType.APPLICATION_FORM_URLENCODED).body(BodyInserters.fromDataBuffers(chunked(form)))
			.exchange()
			.expectStatus().isEqualTo(413)
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void requestLinesAndHeadersAreBounded() throws IOException {
		assertThat(rawStatus("GET /nothing/" + "x".repeat(3000) + " HTTP/1.1", List.of()))
			.as("a long but acceptable request line").isEqualTo(404);
		assertThat(rawStatus("GET /api/v1/jobs/" + "x".repeat(5000) + " HTTP/1.1", List.of())).isEqualTo(414);
		assertThat(rawStatus("GET /actuator/health HTTP/1.1", List.of("X-Padding: " + "x".repeat(17 * 1024))))
			.isEqualTo(431);
		assertThat(rawStatus("GET /actuator/health HTTP/1.1", List.of("X-Padding: " + "x".repeat(8 * 1024))))
			.as("a large but acceptable header block").isEqualTo(200);
	}

	// ---- protection: CORS ---------------------------------------------------------------------------------

	@Test
	void onlyTheConsolesOriginMayCallTheConsolesPathsFromABrowser() {
		web.options().uri("/api/v1/credentials/requests")
			.header(HttpHeaders.ORIGIN, CONSOLE_ORIGIN)
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "authorization, content-type")
			.exchange()
			.expectStatus().isOk()
			.expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, CONSOLE_ORIGIN)
			.expectHeader().value(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, methods -> assertThat(methods).contains("POST"))
			.expectHeader().value(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS,
					headers -> assertThat(headers.toLowerCase()).contains("authorization").contains("content-type"))
			.expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS);

		preflightRefused("/api/v1/credentials/requests", "https://evil.example.com", "GET");
		preflightRefused("/api/v1/credentials/requests", CONSOLE_ORIGIN.replace("https", "http"), "GET");
		preflightRefused("/api/v1/jobs", CONSOLE_ORIGIN, "POST");
		preflightRefused("/api/v1/registry/agents", CONSOLE_ORIGIN, "GET");
		preflightRefused("/api/v1/credentials/requests", CONSOLE_ORIGIN, "DELETE");

		// the real request: the console's origin may read even a refusal; any other origin's page may not
		web.get().uri("/api/v1/credentials/requests").header(HttpHeaders.ORIGIN, CONSOLE_ORIGIN)
			.exchange()
			.expectStatus().isUnauthorized()
			.expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, CONSOLE_ORIGIN)
			.expectHeader().value(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS,
					exposed -> assertThat(exposed).contains(HttpHeaders.RETRY_AFTER));
		web.get().uri("/api/v1/credentials/requests").header(HttpHeaders.ORIGIN, "https://evil.example.com")
			.exchange()
			.expectStatus().isUnauthorized()
			.expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
		web.get().uri("/api/v1/jobs/" + JobId.random()).header(HttpHeaders.ORIGIN, CONSOLE_ORIGIN)
			.exchange()
			.expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
	}

	// ---- everything else --------------------------------------------------------------------------------

	@Test
	void errorsOutsideTheApiAreProblemsToo() {
		web.get().uri("/nothing/here").exchange()
			.expectStatus().isNotFound()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().jsonPath("$.status").isEqualTo(404).jsonPath("$.trace").doesNotExist();
		web.put().uri("/api/v1/jobs").headers(bearer(token("acme", "jobs:write jobs:read")))
			.contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
			.exchange()
			.expectStatus().isEqualTo(405)
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
		web.get().uri("/actuator/health").exchange().expectStatus().isOk();
	}

	// ---- helpers ----------------------------------------------------------------------------------------

	private WebTestClient.ResponseSpec submitWithKey(String key, String body) {
		return web.post().uri("/api/v1/jobs").headers(bearer(token("acme", "jobs:write")))
			.header("Idempotency-Key", key)
			.contentType(MediaType.APPLICATION_JSON).bodyValue(body)
			.exchange();
	}

	private void badJob(String token, String body, int status, String problem, String field) {
		var spec = web.post().uri("/api/v1/jobs").headers(bearer(token))
			.contentType(MediaType.APPLICATION_JSON).bodyValue(body)
			.exchange()
			.expectStatus().isEqualTo(status)
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("urn:colony:problem:" + problem)
			.jsonPath("$.detail").isNotEmpty();
		if (field != null) {
			spec.jsonPath("$.field").isEqualTo(field);
		}
	}

	private void notFound(WebTestClient.ResponseSpec response, JobId id) {
		response.expectStatus().isNotFound()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type").isEqualTo("urn:colony:problem:job-not-found")
			.jsonPath("$.detail").isEqualTo("there is no job " + id);
	}

	private void preflightRefused(String path, String origin, String method) {
		web.options().uri(path)
			.header(HttpHeaders.ORIGIN, origin)
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, method)
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "authorization")
			.exchange()
			.expectStatus().isForbidden()
			.expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN)
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:cors-not-allowed");
	}

	private double refusals(String tenant, String budget) {
		var counter = meters.find("colony.gateway.rate.limited").tag("tenant", tenant).tag("budget", budget).counter();
		return counter == null ? 0 : counter.count();
	}

	/** The status line's code for a request written byte by byte, as no HTTP client would send it. */
	private int rawStatus(String requestLine, List<String> headers) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(10_000);
			StringBuilder request = new StringBuilder(requestLine).append("\r\nHost: 127.0.0.1:").append(port).append("\r\n");
			headers.forEach(header -> request.append(header).append("\r\n"));
			request.append("Connection: close\r\n\r\n");
			socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
			socket.getOutputStream().flush();
			String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
				.readLine();
			assertThat(statusLine).as("status line").startsWith("HTTP/1.1 ");
			return Integer.parseInt(statusLine.substring(9, 12));
		}
	}

	private JobId storedJob(TenantId tenant, JobStatus status) {
		JobId job = JobId.random();
		Instant now = Instant.now();
		upstreams.put(new JobView(job, status, "summarizer", TaskCounts.of(4, 1, 0),
				new Usage(10, 5, 1, 2, new BigDecimal("0.0123")),
				status.isTerminal() ? new JobResult(ReduceStrategy.COLLECT, 1, "some failed") : null, now,
				now.plusSeconds(600), status.isTerminal() ? now : null), tenant);
		return job;
	}

	private void publish(Object event) {
		var jobEvent = (io.colony.contracts.JobEvent) event;
		publisher.publish(Outgoing.to(Destinations.EVENTS, jobEvent.routingKey(), event).withTenant(jobEvent.tenant()))
			.join();
	}

	private String token(String tenant, String scope) {
		return sign(signingKey, claims(tenant, scope, Instant.now().plusSeconds(300)));
	}

	private static JWTClaimsSet claims(String tenant, String scope, Instant expiresAt) {
		return new JWTClaimsSet.Builder().issuer(ISSUER).subject("test-client").claim("tenant", tenant)
			.claim("scope", scope).issueTime(Date.from(expiresAt.minusSeconds(600)))
			.expirationTime(Date.from(expiresAt)).jwtID(UUID.randomUUID().toString()).build();
	}

	private static String sign(RSAKey key, JWTClaimsSet claims) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
				.type(JOSEObjectType.JWT).build(), claims);
			jwt.sign(new RSASSASigner(key));
			return jwt.serialize();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static RSAKey generateKey() {
		try {
			return new RSAKeyGenerator(2048).keyID("stranger").generate();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Consumer<HttpHeaders> bearer(String token) {
		return headers -> headers.setBearerAuth(token);
	}

	private static Flux<DataBuffer> chunked(String body) {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		int chunk = 8 * 1024;
		return Flux.range(0, (bytes.length + chunk - 1) / chunk)
			.map(i -> DefaultDataBufferFactory.sharedInstance
				.wrap(java.util.Arrays.copyOfRange(bytes, i * chunk, Math.min(bytes.length, (i + 1) * chunk))));
	}

	private static String sha256(String body) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Path tempDir() {
		try {
			return Files.createTempDirectory("colony-gateway-it");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
