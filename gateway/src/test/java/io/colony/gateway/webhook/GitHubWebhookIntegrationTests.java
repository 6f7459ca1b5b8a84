package io.colony.gateway.webhook;

import io.colony.contracts.ColonyCommand;
import io.colony.contracts.CommandRejected;
import io.colony.contracts.CommandReply;
import io.colony.contracts.Destinations;
import io.colony.contracts.JobId;
import io.colony.contracts.JobStatus;
import io.colony.contracts.JobSubmitted;
import io.colony.contracts.Priority;
import io.colony.contracts.SubmitJob;
import io.colony.contracts.Supervisor;
import io.colony.contracts.TenantId;
import io.colony.platform.messaging.ColonyConsumers;
import io.colony.platform.messaging.ColonyTopology;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.testing.Await;
import io.colony.platform.testing.ColonyTestEnvironment;
import io.colony.platform.testing.github.GitHubDeliveries;
import io.colony.platform.testing.github.GitHubDeliveries.Delivery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /webhooks/github} against the real RabbitMQ and Redis, with a fake orchestrator answering
 * {@code job.submit} on its command queue as the real one would (idempotent by key, {@code replayed} on a repeat).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GitHubWebhookIntegrationTests {

	static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	static final String SECRET = "It's a Secret to Everybody";

	static final String KEY_PREFIX = "colony:test:" + UUID.randomUUID() + ":";

	static final String SHOP = "acme/shop";

	static final String HEAD = "6dcb09b5b57875f334f61aebed695e2e4193db5e";

	static final String BASE = "9049f1265b7d61be4a8904a9a27120d2064dab3b";

	static final int CAP = 64 * 1024;

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry registry) {
		env.properties().forEach((key, value) -> registry.add(key, () -> value));
		registry.add("colony.gateway.local-issuer.key-file", () -> tempDir().resolve("issuer.jwk").toString());
		registry.add("colony.gateway.limits.key-prefix", () -> KEY_PREFIX);
		registry.add("colony.gateway.github.webhook-secret", () -> SECRET);
		registry.add("colony.gateway.github.max-body-size", () -> CAP + "B");
		registry.add("colony.gateway.github.repositories[0].name", () -> SHOP);
		registry.add("colony.gateway.github.repositories[0].tenant", () -> "acme");
		registry.add("colony.gateway.github.repositories[0].specialists", () -> "security-reviewer,logic-reviewer");
		registry.add("colony.gateway.github.repositories[0].paths", () -> "src/**");
		registry.add("colony.gateway.github.repositories[0].exclude-paths", () -> "**/*.md");
		registry.add("colony.gateway.github.repositories[0].max-files", () -> "5");
		registry.add("colony.gateway.github.repositories[0].priority", () -> "high");
		registry.add("colony.gateway.github.repositories[1].name", () -> "acme/docs");
		registry.add("colony.gateway.github.repositories[1].tenant", () -> "docs-team");
	}

	@LocalServerPort
	int port;

	@Autowired
	ColonyConsumers consumers;

	@Autowired
	MessagePublisher publisher;

	@Autowired
	ReactiveStringRedisTemplate redis;

	WebTestClient web;

	final JsonMapper json = JsonMapper.builder().build();

	final List<SubmitJob> submitted = new CopyOnWriteArrayList<>();

	final Map<String, SubmitJob> byKey = new ConcurrentHashMap<>();

	/** While set, the fake orchestrator receives but never answers. */
	final AtomicBoolean silent = new AtomicBoolean();

	@BeforeAll
	void startFakeOrchestrator() {
		web = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(30))
			.build();
		consumers.consume(ColonyTopology.serviceQueue(Destinations.ORCHESTRATOR_COMMANDS_QUEUE), ColonyCommand.class, 10,
				1, inbound -> {
					if (!(inbound.payload() instanceof SubmitJob submit)) {
						return publisher.reply(inbound, new CommandRejected("unknown-command", 400, "?", "?"));
					}
					submitted.add(submit);
					if (silent.get()) {
						return CompletableFuture.completedFuture(null);
					}
					return publisher.reply(inbound, answer(submit));
				});
		// The first command of a fresh context opens channels and warms the JIT, which may take longer than the
		// 800 ms a delivery waits; a redelivery (same id) is the same job, as GitHub's would be.
		Delivery warmUp = opened(SHOP, 1);
		Await.until(Duration.ofSeconds(30), "a delivery accepted", () -> {
			int status = deliver(warmUp).returnResult(Void.class).getStatus().value();
			return status == 202 || status == 200;
		});
	}

	@BeforeEach
	void reset() {
		silent.set(false);
	}

	@AfterAll
	void cleanUp() {
		try {
			redis.keys(KEY_PREFIX + "*").concatMap(redis::delete).then().block(Duration.ofSeconds(10));
		}
		finally {
			env.close();
		}
	}

	private CommandReply answer(SubmitJob submit) {
		if (submit.tenant().equals(TenantId.of("docs-team"))) {
			return new CommandRejected("too-many-active-jobs", 429, "Too many active jobs", "docs-team has 5 jobs");
		}
		SubmitJob first = byKey.putIfAbsent(submit.idempotencyKey(), submit);
		return first == null ? new JobSubmitted(submit.jobId(), JobStatus.ACCEPTED, false)
				: new JobSubmitted(first.jobId(), JobStatus.ACCEPTED, true);
	}

	@Test
	void aSignedPullRequestStartsExactlyOneReviewJob() throws Exception {
		Delivery delivery = opened(SHOP, 42);
		JsonNode answer = deliver(delivery).expectStatus().isAccepted().expectBody(JsonNode.class).returnResult()
			.getResponseBody();
		JobId expected = new JobId(UUID.nameUUIDFromBytes(("github:" + delivery.id()).getBytes(StandardCharsets.UTF_8)));
		assertThat(answer.path("status").asString()).isEqualTo("accepted");
		assertThat(answer.path("jobId").asString()).isEqualTo(expected.toString());

		List<SubmitJob> sent = submittedFor(delivery);
		assertThat(sent).hasSize(1);
		SubmitJob submit = sent.getFirst();
		assertThat(submit.jobId()).isEqualTo(expected);
		assertThat(submit.tenant()).isEqualTo(TenantId.of("acme"));
		assertThat(submit.idempotencyKey()).isEqualTo("github:" + delivery.id());
		Supervisor spec = (Supervisor) submit.spec();
		assertThat(spec.supervisor()).isEqualTo("pr-review");
		assertThat(spec.instruction()).isEqualTo("Review pull request acme/shop#42 at " + HEAD);
		assertThat(spec.specialists()).containsExactly("security-reviewer", "logic-reviewer");
		assertThat(spec.plan().maxSubtasks()).isEqualTo(50);
		assertThat(spec.plan().maxDepth()).isEqualTo(1);
		assertThat(spec.priority()).isEqualTo(Priority.HIGH);
		assertThat(spec.input().id()).isEqualTo("pr-42");
		JsonNode input = json.readTree(spec.input().content());
		assertThat(input.path("repository").asString()).isEqualTo(SHOP);
		assertThat(input.path("number").asInt()).isEqualTo(42);
		assertThat(input.path("headSha").asString()).isEqualTo(HEAD);
		assertThat(input.path("baseSha").asString()).isEqualTo(BASE);
		assertThat(input.path("title").asString()).isEqualTo("Fix the basket");
		assertThat(input.path("htmlUrl").asString()).isEqualTo("https://github.com/acme/shop/pull/42");
		assertThat(input.path("specialists").toString()).isEqualTo("[\"security-reviewer\",\"logic-reviewer\"]");
		assertThat(input.path("paths").toString()).isEqualTo("[\"src/**\"]");
		assertThat(input.path("excludePaths").toString()).isEqualTo("[\"**/*.md\"]");
		assertThat(input.path("maxFiles").asInt()).isEqualTo(5);
		assertThat(redis.hasKey(KEY_PREFIX + "github:delivery:" + delivery.id()).block()).isTrue();
		Long ttl = redis.getExpire(KEY_PREFIX + "github:delivery:" + delivery.id()).block().toSeconds();
		assertThat(ttl).isBetween(Duration.ofDays(7).toSeconds() - 60, Duration.ofDays(7).toSeconds());
	}

	@Test
	void aReplayedDeliveryIsADuplicateAndStartsNothing() {
		Delivery delivery = opened(SHOP, 43);
		deliver(delivery).expectStatus().isAccepted();
		int before = submitted.size();
		deliver(delivery).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("duplicate");
		assertThat(submitted).hasSize(before);
	}

	@Test
	void aDuplicateThatRacedPastRedisIsTheSameJob() {
		Delivery delivery = opened(SHOP, 44);
		deliver(delivery).expectStatus().isAccepted();
		// as if the second copy had been checked before the first was remembered
		redis.delete(KEY_PREFIX + "github:delivery:" + delivery.id()).block();
		deliver(delivery).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("duplicate");
		assertThat(submittedFor(delivery)).extracting(SubmitJob::jobId).hasSize(2).containsOnly(
				submittedFor(delivery).getFirst().jobId());
	}

	@Test
	void anUnansweredSubmissionIsNotRememberedSoTheRedeliveryStartsTheReview() {
		Delivery delivery = opened(SHOP, 45);
		silent.set(true);
		deliver(delivery).expectStatus().isEqualTo(503).expectHeader().valueEquals("Retry-After", "5")
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:orchestrator-unavailable");
		assertThat(redis.hasKey(KEY_PREFIX + "github:delivery:" + delivery.id()).block()).isFalse();
		Await.until(Duration.ofSeconds(10), "the unanswered command arrived", () -> submittedFor(delivery).size() == 1);
		silent.set(false);
		// the real orchestrator stored nothing for the unanswered one here: forget it as the fake's store
		byKey.remove("github:" + delivery.id());
		deliver(delivery).expectStatus().isAccepted().expectBody().jsonPath("$.status").isEqualTo("accepted");
		assertThat(redis.hasKey(KEY_PREFIX + "github:delivery:" + delivery.id()).block()).isTrue();
	}

	@Test
	void badOrMissingSignaturesAreRefusedAndStartNothing() {
		int before = submitted.size();
		Delivery delivery = opened(SHOP, 46);
		Delivery wrongSecret = GitHubDeliveries.pullRequest("another secret", "opened", SHOP, 46, "x", HEAD, BASE);
		post(delivery.id(), "pull_request", delivery.body(), wrongSecret.signature()).expectStatus().isUnauthorized()
			.expectBody().jsonPath("$.type").isEqualTo("urn:colony:problem:invalid-signature");
		post(delivery.id(), "pull_request", delivery.body(), null).expectStatus().isUnauthorized();
		post(delivery.id(), "pull_request", delivery.body(), "sha256=zz").expectStatus().isUnauthorized();
		byte[] tampered = Arrays.copyOf(delivery.body(), delivery.body().length);
		tampered[tampered.length - 2] ^= 1;
		post(delivery.id(), "pull_request", tampered, delivery.signature()).expectStatus().isUnauthorized();
		assertThat(submitted).hasSize(before);
		// and the genuine delivery is still new
		deliver(delivery).expectStatus().isAccepted();
	}

	@Test
	void otherEventsAndActionsStartNothing() {
		int before = submitted.size();
		Delivery push = GitHubDeliveries.of(SECRET, "push", "{\"ref\":\"refs/heads/main\"}".getBytes());
		deliver(push).expectStatus().isBadRequest().expectBody().jsonPath("$.type")
			.isEqualTo("urn:colony:problem:unsupported-event");
		Delivery ping = GitHubDeliveries.of(SECRET, "ping", "{\"zen\":\"Keep it logically awesome.\"}".getBytes());
		deliver(ping).expectStatus().isOk();
		Delivery closed = GitHubDeliveries.pullRequest(SECRET, "closed", SHOP, 47, "x", HEAD, BASE);
		deliver(closed).expectStatus().isAccepted().expectBody().jsonPath("$.status").isEqualTo("ignored");
		Delivery malformed = GitHubDeliveries.of(SECRET, "pull_request", "{\"action\":".getBytes());
		deliver(malformed).expectStatus().isBadRequest().expectBody().jsonPath("$.type")
			.isEqualTo("urn:colony:problem:malformed-json");
		Delivery noHead = GitHubDeliveries.of(SECRET, "pull_request",
				"{\"action\":\"opened\",\"number\":1,\"pull_request\":{},\"repository\":{\"full_name\":\"acme/shop\"}}"
					.getBytes());
		deliver(noHead).expectStatus().isBadRequest().expectBody().jsonPath("$.field").isEqualTo("sha");
		Delivery unconfigured = opened("acme/elsewhere", 1);
		deliver(unconfigured).expectStatus().isEqualTo(422).expectBody().jsonPath("$.type")
			.isEqualTo("urn:colony:problem:repository-not-configured");
		assertThat(submitted).hasSize(before);
		assertThat(redis.hasKey(KEY_PREFIX + "github:delivery:" + unconfigured.id()).block()).isFalse();
	}

	@Test
	void anOversizeDeliveryIsRefusedWhetherDeclaredOrStreamed() {
		int before = submitted.size();
		byte[] padding = new byte[CAP + 1];
		Arrays.fill(padding, (byte) ' ');
		Delivery big = GitHubDeliveries.of(SECRET, "pull_request", padding);
		deliver(big).expectStatus().isEqualTo(413).expectBody().jsonPath("$.type")
			.isEqualTo("urn:colony:problem:payload-too-large");
		// streamed without a Content-Length: cut off once past the cap
		web.post().uri("/webhooks/github").header("X-GitHub-Event", "pull_request")
			.header("X-GitHub-Delivery", big.id()).header("X-Hub-Signature-256", big.signature())
			.contentType(MediaType.APPLICATION_JSON)
			.body(reactor.core.publisher.Flux.range(0, 17)
				.map(i -> org.springframework.core.io.buffer.DefaultDataBufferFactory.sharedInstance.wrap(new byte[4096])),
					org.springframework.core.io.buffer.DataBuffer.class)
			.exchange().expectStatus().isEqualTo(413);
		// a body of exactly the cap is read (and refused only for what it says)
		byte[] exactly = Arrays.copyOf(padding, CAP);
		deliver(GitHubDeliveries.of(SECRET, "pull_request", exactly)).expectStatus().isBadRequest();
		assertThat(submitted).hasSize(before);
	}

	@Test
	void aRefusalOfTheOrchestratorIsPassedOnAndNotRemembered() {
		Delivery delivery = opened("acme/docs", 3);
		deliver(delivery).expectStatus().isEqualTo(429).expectBody().jsonPath("$.type")
			.isEqualTo("urn:colony:problem:too-many-active-jobs");
		assertThat(submittedFor(delivery)).hasSize(1);
		assertThat(redis.hasKey(KEY_PREFIX + "github:delivery:" + delivery.id()).block()).isFalse();
	}

	private Delivery opened(String repository, int number) {
		return GitHubDeliveries.pullRequest(SECRET, "opened", repository, number, "Fix the basket", HEAD, BASE);
	}

	private List<SubmitJob> submittedFor(Delivery delivery) {
		return submitted.stream().filter(s -> ("github:" + delivery.id()).equals(s.idempotencyKey())).toList();
	}

	private WebTestClient.ResponseSpec deliver(Delivery delivery) {
		return post(delivery.id(), delivery.event(), delivery.body(), delivery.signature());
	}

	private WebTestClient.ResponseSpec post(String id, String event, byte[] body, String signature) {
		WebTestClient.RequestBodySpec request = web.post().uri("/webhooks/github")
			.header("X-GitHub-Event", event)
			.header("X-GitHub-Delivery", id)
			.header("User-Agent", "GitHub-Hookshot/044aadd")
			.contentType(MediaType.APPLICATION_JSON);
		if (signature != null) {
			request.header("X-Hub-Signature-256", signature);
		}
		return request.bodyValue(body).exchange();
	}

	private static Path tempDir() {
		try {
			return Files.createTempDirectory("colony-gateway-webhook-it");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
