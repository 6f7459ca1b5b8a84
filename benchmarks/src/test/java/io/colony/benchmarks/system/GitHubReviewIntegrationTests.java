package io.colony.benchmarks.system;

import io.colony.benchmarks.client.ColonyClient;
import io.colony.benchmarks.client.Documents;
import io.colony.benchmarks.client.JobWatch;
import io.colony.benchmarks.mesh.MeshOptions;
import io.colony.platform.testing.Await;
import io.colony.platform.testing.github.GitHubDeliveries;
import io.colony.platform.testing.github.GitHubDeliveries.Delivery;
import io.colony.platform.testing.github.GitHubStandIn;
import io.colony.platform.testing.github.GitHubStandIn.FileChange;
import io.colony.platform.testing.github.GitHubStandIn.Review;
import io.colony.platform.testing.github.GitHubStandIn.ReviewComment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The GitHub pull-request review fleet on the whole mesh as processes: a signed {@code pull_request} webhook
 * reaches the gateway, the orchestrator runs the review as a supervisor job, the {@code pr-review} workflow lists
 * the changed files through the GitHub API with a credential from the credential service, the four specialists
 * review each file in parallel, and one review with inline comments is posted back. GitHub is a stand-in that
 * speaks its REST API and checks the credential service's tokens against its JWKS; everything else is real.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GitHubReviewIntegrationTests {

	private static final int BASE_PORT = 18880;

	private static final String SECRET = "it-webhook-secret";

	private static final String REPOSITORY = "acme/shop";

	private static final String TENANT = "acme";

	private static final String HEAD = "0123456789abcdef0123456789abcdef01234567";

	private static final String BASE = "89abcdef0123456789abcdef0123456789abcdef";

	/**
	 * The specialists answer with the simulated model, which answers a {@code [[answer]]} directive in their input
	 * (the patch) verbatim: every specialist finds a problem on line 2 of the basket and requests changes.
	 */
	private static final String FLAWED_PATCH = """
			@@ -1,3 +1,4 @@
			 class Basket {
			+	int total; // [[answer]]L2: the total ignores discounts
			 VERDICT: request-changes[[/answer]]
			 }""";

	private static final String CLEAN_PATCH = """
			@@ -1,2 +1,3 @@
			 class BasketTest {
			+	void totals() {}
			 }""";

	private static GitHubStandIn github;

	private static SystemTestMesh mesh;

	private static ColonyClient client;

	private static String acceptedJobId;

	private static Delivery accepted;

	@BeforeAll
	static void start() {
		MeshOptions options = MeshOptions.defaults().withBasePort(BASE_PORT);
		github = GitHubStandIn.start(GitHubStandIn.jwks(
				"http://127.0.0.1:" + options.credentialsPort() + "/api/v1/credentials/jwks"));
		github.seed(REPOSITORY, 7, "Basket totals", HEAD, BASE,
				List.of(FileChange.modified("src/main/Basket.java", FLAWED_PATCH),
						FileChange.added("src/test/BasketTest.java", CLEAN_PATCH),
						FileChange.modified("docs/notes.md", "@@ -1 +1 @@\n-old\n+new")));
		mesh = SystemTestMesh.start(GitHubReviewIntegrationTests.class, options.withWorkers(2)
			.withSimulatedLatency(Duration.ofMillis(100))
			.withWorkerArguments(List.of("--colony.worker.github.api-url=" + github.apiUrl()))
			.withGatewayArguments(List.of("--colony.gateway.github.webhook-secret=" + SECRET,
					"--colony.gateway.github.repositories[0].name=" + REPOSITORY,
					"--colony.gateway.github.repositories[0].tenant=" + TENANT,
					"--colony.gateway.github.repositories[0].paths=src/**")));
		client = new ColonyClient(mesh.launcher().gatewayUrl());
		client.useToken(client.mintToken(ColonyClient.DEFAULT_SCOPE, Map.of("tenant", TENANT)));
		// A webhook gets 503 when the orchestrator has not stored its job within 600 ms, and a just-started
		// orchestrator's first job can take longer (class loading, first statements, JIT): it is warmed here the way
		// a deployment is before it takes traffic, with one job through the public API.
		String warmUp = client.submitAccepted(client.json().writeValueAsString(Documents.scatterGatherJob(client.json(), 1)));
		Await.untilValue(Duration.ofMinutes(2), "warm-up job " + warmUp + " finished", () -> client.job(warmUp),
				JobWatch::isTerminal);
	}

	@AfterAll
	static void stop() {
		if (mesh != null) {
			mesh.close();
		}
		if (github != null) {
			github.close();
		}
	}

	@Test
	@Order(1)
	void aSignedPullRequestWebhookLeadsToOneReviewWithInlineCommentsPostedBack() {
		accepted = GitHubDeliveries.pullRequest(SECRET, "opened", REPOSITORY, 7, "Basket totals", HEAD, BASE);

		HttpResponse<String> answer = deliver(accepted);

		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
		acceptedJobId = client.parse(answer.body()).path("jobId").asString("");
		JsonNode job = Await.untilValue(Duration.ofMinutes(2), "review job " + acceptedJobId + " finished" + mesh.logTails(),
				() -> client.job(acceptedJobId), JobWatch::isTerminal);
		assertThat(job.path("status").asString("")).as(job.toString()).isEqualTo("SUCCEEDED");
		assertThat(job.path("pattern").asString("")).isEqualTo("supervisor");
		// the plan (files x specialists, docs/ left out by the repository's paths), 2 x 4 reviews, the composer
		assertThat(job.path("tasks").path("succeeded").asInt()).isEqualTo(1 + 2 * 4 + 1);

		List<Review> reviews = github.reviews(REPOSITORY, 7);
		assertThat(reviews).hasSize(1);
		Review review = reviews.getFirst();
		assertThat(review.state()).isEqualTo("CHANGES_REQUESTED");
		assertThat(review.commitId()).isEqualTo(HEAD);
		assertThat(review.body()).contains(acceptedJobId);
		List<ReviewComment> comments = github.comments(REPOSITORY, 7);
		assertThat(comments).isNotEmpty().allSatisfy(comment -> {
			assertThat(comment.path()).isEqualTo("src/main/Basket.java");
			assertThat(comment.line()).isEqualTo(2);
			assertThat(comment.body()).contains("the total ignores discounts");
		});
		assertThat(github.requests()).as("every GitHub call carried a brokered bearer token")
			.allSatisfy(request -> assertThat(request.authorization()).startsWith("Bearer "));
	}

	@Test
	@Order(2)
	void aReplayedDeliveryIsADuplicateAndStartsNothing() {
		long jobs = jobCount();

		HttpResponse<String> again = deliver(accepted);

		assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
		assertThat(client.parse(again.body()).path("status").asString("")).isEqualTo("duplicate");
		assertThat(client.parse(again.body()).path("jobId").asString("")).isEqualTo(acceptedJobId);
		assertThat(jobCount()).isEqualTo(jobs);
		assertThat(github.reviews(REPOSITORY, 7)).hasSize(1);
	}

	@Test
	@Order(3)
	void badSignatureWrongEventUnknownRepositoryAndOversizeBodyAreRejectedWithNothingStarted() {
		long jobs = jobCount();
		Delivery fresh = GitHubDeliveries.pullRequest(SECRET, "opened", REPOSITORY, 7, "Basket totals", HEAD, BASE);
		Delivery forged = new Delivery(fresh.id(), fresh.event(), fresh.body(),
				GitHubDeliveries.signature("not-the-secret", fresh.body()));
		Delivery push = GitHubDeliveries.of(SECRET, "push", "{\"ref\": \"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8));
		Delivery elsewhere = GitHubDeliveries.pullRequest(SECRET, "opened", "acme/other", 3, "x", HEAD, BASE);
		byte[] huge = new byte[25 * 1024 * 1024 + 1];
		Arrays.fill(huge, (byte) ' ');
		Delivery oversize = GitHubDeliveries.of(SECRET, "pull_request", huge);

		assertThat(deliver(forged).statusCode()).isEqualTo(401);
		assertThat(deliver(push).statusCode()).isEqualTo(400);
		assertThat(deliver(elsewhere).statusCode()).isEqualTo(422);
		assertThat(deliver(oversize).statusCode()).isEqualTo(413);
		assertThat(jobCount()).as("jobs stored").isEqualTo(jobs);
		assertThat(github.reviews(REPOSITORY, 7)).hasSize(1);
	}

	private static long jobCount() {
		return mesh.countRows("select count(*) from orchestrator.jobs");
	}

	private static HttpResponse<String> deliver(Delivery delivery) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(mesh.launcher().gatewayUrl() + "/webhooks/github"))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.header("User-Agent", "GitHub-Hookshot/it")
			.header("X-GitHub-Event", delivery.event())
			.header("X-GitHub-Delivery", delivery.id())
			.header("X-Hub-Signature-256", delivery.signature())
			.POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body()))
			.build();
		return client.send(request);
	}
}
