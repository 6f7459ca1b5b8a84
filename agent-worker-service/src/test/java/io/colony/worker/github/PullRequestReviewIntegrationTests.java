package io.colony.worker.github;

import io.colony.contracts.CredentialRequest;
import io.colony.contracts.CredentialRequestStatus;
import io.colony.contracts.Destinations;
import io.colony.contracts.JobId;
import io.colony.contracts.JobInput;
import io.colony.contracts.Priority;
import io.colony.contracts.TaskAssigned;
import io.colony.contracts.TaskCompleted;
import io.colony.contracts.TaskFailed;
import io.colony.contracts.TaskId;
import io.colony.contracts.TaskResult;
import io.colony.contracts.TaskRole;
import io.colony.contracts.TenantId;
import io.colony.platform.messaging.MessageCodec;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.Outgoing;
import io.colony.platform.testing.Await;
import io.colony.platform.testing.ColonyTestEnvironment;
import io.colony.platform.testing.github.GitHubStandIn;
import io.colony.platform.testing.github.GitHubStandIn.FileChange;
import io.colony.worker.credentials.CredentialServiceStandIn;
import io.colony.worker.identity.WorkerKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The {@code pr-review} agent type's PLAN and COMPOSE tasks, sent over the real broker to a worker serving only it,
 * against the GitHub stand-in; its credentials come from a stand-in of the credential service's agent API (signed
 * requests; {@code github:read} and {@code github:review} granted by policy, as the real default policy does), and the
 * GitHub stand-in accepts exactly the tokens that service issued, for the scope.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "colony.worker.agent-id=worker-pr-review-it", "colony.worker.heartbeat-interval=PT0.2S",
				"colony.worker.catalog.serve=pr-review" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PullRequestReviewIntegrationTests {

	private static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final TenantId TENANT = TenantId.of("acme");

	private static final String RESULTS_QUEUE = "test.pr-review.results";

	private static final String REPO = "acme/shop";

	private static final String HEAD = "6dcb09b5b57875f334f61aebed695e2e4193db5e";

	/** Lines 10..13 of the new file are in the diff: 10 and 13 context, 11 and 12 added. */
	private static final String PATCH = """
			@@ -10,3 +10,4 @@ class Basket {
			 	int total() {
			-		return 0;
			+		int sum = 0;
			+		return sum;
			 	}""";

	private static volatile WorkerKeys workerKeys;

	private static final CredentialServiceStandIn credentials = start();

	private static final GitHubStandIn github = GitHubStandIn.start(
			(token, scope) -> credentials.accepts(token, "github", scope) ? GitHubStandIn.Access.GRANTED
					: GitHubStandIn.Access.BAD_CREDENTIALS);

	private final JsonMapper json = JsonMapper.builder().build();

	private final List<TaskResult> results = new CopyOnWriteArrayList<>();

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry registry) {
		env.properties().forEach((key, value) -> registry.add(key, () -> value));
		registry.add("colony.worker.credentials.url", credentials::url);
		registry.add("colony.worker.github.api-url", github::apiUrl);
	}

	@Autowired
	MessagePublisher publisher;

	@Autowired
	RabbitTemplate rabbit;

	@Autowired
	AmqpAdmin admin;

	@Autowired
	MessageCodec codec;

	@Autowired
	WorkerKeys keys;

	@BeforeAll
	void listen() {
		workerKeys = keys;
		credentials.policy(request -> request.scope().stream()
			.allMatch(scope -> scope.equals("github:read") || scope.equals("github:review"))
					? CredentialRequestStatus.GRANTED : CredentialRequestStatus.DENIED);
		admin.declareQueue(new Queue(RESULTS_QUEUE, false, false, true));
		admin.declareBinding(new Binding(RESULTS_QUEUE, Binding.DestinationType.QUEUE, Destinations.RESULTS, "result.#",
				null));
	}

	@AfterAll
	void cleanUp() {
		github.close();
		credentials.close();
		env.close();
	}

	@Test
	void planHasOneTaskPerSelectedFileAndSpecialistFollowingThePages() {
		List<FileChange> files = new ArrayList<>();
		// 120 files: GitHub serves them on two pages of 100; the selected ones sit on both
		IntStream.range(0, 100).forEach(i -> files.add(FileChange.modified("docs/page" + i + ".md", PATCH)));
		files.add(FileChange.modified("src/main/Basket.java", PATCH));
		files.add(new FileChange("src/main/Old.java", "removed", "@@ -1 +0,0 @@\n-gone"));
		files.add(new FileChange("src/main/logo.png", "added", null));
		files.add(FileChange.modified("src/main/README.md", PATCH));
		files.add(FileChange.added("src/main/Order.java", PATCH));
		files.add(FileChange.modified("src/test/BasketTests.java", PATCH));
		files.add(FileChange.modified("src/main/Third.java", PATCH));
		IntStream.range(0, 13).forEach(i -> files.add(FileChange.modified("other/x" + i + ".txt", PATCH)));
		github.seed(REPO, 11, "Totals", HEAD, "base", files);

		TaskCompleted plan = completed(run(TaskRole.PLAN, JobId.random(),
				request(11, List.of("security-reviewer", "logic-reviewer"), List.of("src/**"), List.of("**/*.md"), 3)));

		JsonNode subtasks = json.readTree(plan.output()).path("subtasks");
		assertThat(subtasks).extracting(node -> node.path("id").asString(), node -> node.path("agent").asString())
			.containsExactly(tuple("f1-security-reviewer", "security-reviewer"), tuple("f1-logic-reviewer", "logic-reviewer"),
					tuple("f2-security-reviewer", "security-reviewer"), tuple("f2-logic-reviewer", "logic-reviewer"),
					tuple("f3-security-reviewer", "security-reviewer"), tuple("f3-logic-reviewer", "logic-reviewer"));
		assertThat(subtasks.get(0).path("instruction").asString())
			.startsWith("Review the change to src/main/Basket.java as security-reviewer.")
			.contains("`L<line>: <comment>`", "`VERDICT: request-changes`");
		assertThat(subtasks.get(2).path("instruction").asString()).contains("src/main/Order.java");
		assertThat(subtasks.get(4).path("instruction").asString()).contains("src/test/BasketTests.java");
		assertThat(subtasks.get(0).path("input").asString()).isEqualTo(PATCH);
		assertThat(github.requests()).filteredOn(r -> r.path().endsWith("/pulls/11/files"))
			.extracting(GitHubStandIn.Request::query)
			.containsExactly("per_page=100&page=1", "per_page=100&page=2");
		assertThat(github.requests()).filteredOn(r -> r.path().endsWith("/pulls/11/files"))
			.allSatisfy(r -> assertThat(r.apiVersion()).isEqualTo("2022-11-28"));
		assertThat(credentials.requests()).filteredOn(r -> r.jobId().equals(plan.jobId()))
			.extracting(CredentialRequest::resource, CredentialRequest::scope)
			.containsExactly(tuple("github", List.of("github:read")));
		assertThat(github.reviews(REPO, 11)).as("planning posts nothing").isEmpty();
	}

	@Test
	void composePostsInlineCommentsOnDiffLinesAndRequestsChangesWhenASpecialistDoes() {
		github.seed(REPO, 12, "Totals", HEAD, "base", List.of(FileChange.modified("src/Basket.java", PATCH),
				FileChange.modified("src/Order.java", PATCH)));
		JobId job = JobId.random();
		String input = "## request\n" + request(12, List.of("security-reviewer", "logic-reviewer"), List.of(), List.of(), 12)
				+ "\n\n## f1-security-reviewer (security-reviewer)\nL11: sum may overflow; use Math.addExact\n"
				+ "L40: unrelated line outside the diff\nVERDICT: request-changes\n"
				+ "\n## f1-logic-reviewer (logic-reviewer)\nno findings\nVERDICT: approve\n"
				+ "\n## f2-security-reviewer (security-reviewer)\nL13: closing brace is fine\nVERDICT: approve\n";

		TaskCompleted composed = completed(run(TaskRole.COMPOSE, job, input));

		List<GitHubStandIn.Review> reviews = github.reviews(REPO, 12);
		assertThat(reviews).hasSize(1);
		GitHubStandIn.Review review = reviews.getFirst();
		assertThat(review.state()).isEqualTo("CHANGES_REQUESTED");
		assertThat(review.commitId()).isEqualTo(HEAD);
		assertThat(review.body()).contains("<!-- colony-job:" + job + " -->", "Changes requested by security-reviewer",
				"L40 (not in the diff) **security-reviewer**: unrelated line outside the diff",
				"No answer from: src/Order.java (logic-reviewer)");
		assertThat(review.comments()).extracting(GitHubStandIn.ReviewComment::path, GitHubStandIn.ReviewComment::line,
				GitHubStandIn.ReviewComment::side, GitHubStandIn.ReviewComment::body)
			.containsExactly(
					tuple("src/Basket.java", 11, "RIGHT", "**security-reviewer**: sum may overflow; use Math.addExact"),
					tuple("src/Order.java", 13, "RIGHT", "**security-reviewer**: closing brace is fine"));
		assertThat(composed.output()).contains("posted review " + review.id(), "REQUEST_CHANGES", "2 inline comment(s)");
		assertThat(credentials.requests()).filteredOn(r -> r.jobId().equals(job))
			.extracting(CredentialRequest::scope)
			.containsExactlyInAnyOrder(List.of("github:read"), List.of("github:review"));
	}

	@Test
	void composeApprovesWhenNoSpecialistObjectsAndARerunDoesNotPostTwice() {
		github.seed(REPO, 13, "Totals", HEAD, "base", List.of(FileChange.modified("src/Basket.java", PATCH)));
		JobId job = JobId.random();
		String input = "## request\n" + request(13, List.of("style-reviewer"), List.of(), List.of(), 12)
				+ "\n## f1-style-reviewer (style-reviewer)\nL12: name it `total`\nVERDICT: approve\n";

		TaskCompleted first = completed(run(TaskRole.COMPOSE, job, input));
		assertThat(github.reviews(REPO, 13)).singleElement().satisfies(review -> {
			assertThat(review.state()).isEqualTo("APPROVED");
			assertThat(review.comments()).extracting(GitHubStandIn.ReviewComment::line).containsExactly(12);
		});
		assertThat(first.output()).contains("APPROVE");

		TaskCompleted again = completed(run(TaskRole.COMPOSE, job, input));
		assertThat(github.reviews(REPO, 13)).as("a re-run posts nothing").hasSize(1);
		assertThat(again.output()).contains("already");

		// another job (a new push, a new delivery) reviews again
		completed(run(TaskRole.COMPOSE, JobId.random(), input));
		assertThat(github.reviews(REPO, 13)).hasSize(2);
	}

	@Test
	void nothingToReviewIsSaidOnceAndFailsThePlan() {
		github.seed(REPO, 14, "Docs", HEAD, "base", List.of(FileChange.modified("README.md", PATCH)));
		JobId job = JobId.random();
		String input = request(14, List.of("style-reviewer"), List.of("src/**"), List.of(), 12);

		TaskFailed failed = failed(run(TaskRole.PLAN, job, input));
		assertThat(failed.retryable()).isFalse();
		assertThat(failed.reason()).contains("nothing to review");
		assertThat(github.reviews(REPO, 14)).singleElement().satisfies(review -> {
			assertThat(review.state()).isEqualTo("COMMENTED");
			assertThat(review.body()).contains("<!-- colony-job:" + job + " -->", "nothing to review");
		});
		failed(run(TaskRole.PLAN, job, input));
		assertThat(github.reviews(REPO, 14)).hasSize(1);
	}

	@Test
	void gitHubRefusalsAreFinalAndOutagesRetryable() {
		TaskFailed unknown = failed(run(TaskRole.PLAN, JobId.random(),
				request(99, List.of("style-reviewer"), List.of(), List.of(), 12)));
		assertThat(unknown.retryable()).isFalse();
		assertThat(unknown.reason()).contains("GitHub answered 404", "acme/shop#99", "Not Found");

		github.seed(REPO, 15, "Totals", HEAD, "base", List.of(FileChange.modified("src/Basket.java", PATCH)));
		github.failNext("/files", 1);
		TaskFailed outage = failed(run(TaskRole.PLAN, JobId.random(),
				request(15, List.of("style-reviewer"), List.of(), List.of(), 12)));
		assertThat(outage.retryable()).isTrue();
		assertThat(outage.reason()).contains("GitHub answered 502");

		TaskFailed badInput = failed(run(TaskRole.PLAN, JobId.random(), "{\"repository\":\"acme/shop\"}"));
		assertThat(badInput.retryable()).isFalse();
		assertThat(badInput.reason()).contains("number");
	}

	private String request(int number, List<String> specialists, List<String> paths, List<String> exclude, int maxFiles) {
		var node = json.createObjectNode();
		node.put("repository", REPO);
		node.put("number", number);
		node.put("headSha", HEAD);
		node.put("baseSha", "base");
		node.put("title", "Totals");
		node.put("htmlUrl", "https://github.com/" + REPO + "/pull/" + number);
		specialists.forEach(node.putArray("specialists")::add);
		paths.forEach(node.withArray("paths")::add);
		exclude.forEach(node.withArray("excludePaths")::add);
		node.put("maxFiles", maxFiles);
		return json.writeValueAsString(node);
	}

	private TaskAssigned run(TaskRole role, JobId job, String content) {
		TaskAssigned task = new TaskAssigned(job, TaskId.random(), TENANT, "pr-review", "pr-review", 1, 3,
				"Review pull request", new JobInput(role == TaskRole.PLAN ? "pr" : "compose", content), Priority.NORMAL,
				null, Instant.now(), null, null, role, true);
		publisher.publish(Outgoing.to(Destinations.TASKS, Destinations.taskRoutingKey("pr-review"), task)
			.withTenant(task.tenant())
			.withMessageId(UUID.randomUUID())).join();
		return task;
	}

	private TaskResult resultOf(TaskAssigned task) {
		return Await.untilValue(WAIT, "the result of " + task.taskId(), () -> {
			Message message;
			while ((message = rabbit.receive(RESULTS_QUEUE)) != null) {
				results.add(codec.decode(message.getBody(), TaskResult.class));
			}
			return results.stream()
				.filter(each -> each instanceof TaskCompleted c && c.taskId().equals(task.taskId())
						|| each instanceof TaskFailed f && f.taskId().equals(task.taskId()))
				.findFirst()
				.orElse(null);
		}, Objects::nonNull);
	}

	private TaskCompleted completed(TaskAssigned task) {
		TaskResult result = resultOf(task);
		assertThat(result).as("%s", result).isInstanceOf(TaskCompleted.class);
		return (TaskCompleted) result;
	}

	private TaskFailed failed(TaskAssigned task) {
		TaskResult result = resultOf(task);
		assertThat(result).as("%s", result).isInstanceOf(TaskFailed.class);
		return (TaskFailed) result;
	}

	private static CredentialServiceStandIn start() {
		try {
			return new CredentialServiceStandIn(keyId -> workerKeys == null ? null
					: workerKeys.announced().stream().filter(key -> key.keyId().equals(keyId)).findFirst().orElse(null),
					Clock.systemUTC());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
