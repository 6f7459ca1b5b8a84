package io.colony.benchmarks.github;

import io.colony.platform.testing.github.GitHubStandIn;
import io.colony.platform.testing.github.GitHubStandIn.Access;
import io.colony.platform.testing.github.GitHubStandIn.FileChange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The GitHub stand-in answers and validates as GitHub's REST API does, for the endpoints a review uses. */
class GitHubStandInTests {

	static final String REPO = "acme/shop";

	static final String HEAD = "6dcb09b5b57875f334f61aebed695e2e4193db5e";

	static final String PATCH = """
			@@ -1,3 +1,4 @@
			 line one
			-line two
			+line 2
			+line 2b
			 line three""";

	final JsonMapper json = JsonMapper.builder().build();

	final HttpClient http = HttpClient.newHttpClient();

	final GitHubStandIn github = GitHubStandIn.start((token, scope) -> switch (token) {
		case "reader" -> scope.equals(GitHubStandIn.READ_SCOPE) ? Access.GRANTED : Access.FORBIDDEN;
		case "reviewer" -> Access.GRANTED;
		default -> Access.BAD_CREDENTIALS;
	});

	@AfterEach
	void stop() {
		github.close();
	}

	@Test
	void servesThePullAndPagesItsFilesWithLinkHeaders() throws Exception {
		List<FileChange> files = IntStream.range(0, 5).mapToObj(i -> FileChange.modified("src/F" + i + ".java", PATCH)).toList();
		github.seed(REPO, 7, "Fix", HEAD, "base", files);

		HttpResponse<String> pull = get("/repos/acme/shop/pulls/7", "reader");
		assertThat(pull.statusCode()).isEqualTo(200);
		JsonNode node = json.readTree(pull.body());
		assertThat(node.path("number").asInt()).isEqualTo(7);
		assertThat(node.path("head").path("sha").asString()).isEqualTo(HEAD);
		assertThat(node.path("head").path("repo").path("full_name").asString()).isEqualTo(REPO);

		List<String> names = new ArrayList<>();
		String next = github.apiUrl() + "/repos/acme/shop/pulls/7/files?per_page=2&page=1";
		int pages = 0;
		while (next != null) {
			HttpResponse<String> page = http.send(request(URI.create(next), "reader").GET().build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(page.statusCode()).isEqualTo(200);
			for (JsonNode file : json.readTree(page.body())) {
				names.add(file.path("filename").asString());
				assertThat(file.path("additions").asInt()).isEqualTo(2);
				assertThat(file.path("deletions").asInt()).isEqualTo(1);
				assertThat(file.path("patch").asString()).isEqualTo(PATCH);
			}
			next = page.headers().firstValue("Link").flatMap(GitHubStandInTests::nextLink).orElse(null);
			pages++;
		}
		assertThat(pages).isEqualTo(3);
		assertThat(names).containsExactly("src/F0.java", "src/F1.java", "src/F2.java", "src/F3.java", "src/F4.java");
	}

	@Test
	void answersGitHubsErrorsForUnknownThingsAndBadTokens() throws Exception {
		github.seed(REPO, 7, "Fix", HEAD, "base", List.of(FileChange.modified("a.txt", PATCH)));
		HttpResponse<String> unknownRepo = get("/repos/acme/other/pulls/7", "reader");
		assertThat(unknownRepo.statusCode()).isEqualTo(404);
		assertThat(json.readTree(unknownRepo.body()).path("message").asString()).isEqualTo("Not Found");
		assertThat(get("/repos/acme/shop/pulls/8/files", "reader").statusCode()).isEqualTo(404);

		HttpResponse<String> badToken = get("/repos/acme/shop/pulls/7", "forged");
		assertThat(badToken.statusCode()).isEqualTo(401);
		assertThat(json.readTree(badToken.body()).path("message").asString()).isEqualTo("Bad credentials");
		assertThat(get("/repos/acme/shop/pulls/7", null).statusCode()).isEqualTo(401);

		HttpResponse<String> readerPosts = post("/repos/acme/shop/pulls/7/reviews", "reader",
				"{\"commit_id\":\"" + HEAD + "\",\"event\":\"APPROVE\",\"body\":\"ok\"}");
		assertThat(readerPosts.statusCode()).isEqualTo(403);
		assertThat(github.reviews(REPO, 7)).isEmpty();
	}

	@Test
	void validatesAReviewLikeGitHub() throws Exception {
		github.seed(REPO, 7, "Fix", HEAD, "base", List.of(FileChange.modified("a.txt", PATCH)));
		String path = "/repos/acme/shop/pulls/7/reviews";

		HttpResponse<String> unknownEvent = post(path, "reviewer", "{\"event\":\"MERGE\",\"body\":\"x\"}");
		assertThat(unknownEvent.statusCode()).isEqualTo(422);
		JsonNode problem = json.readTree(unknownEvent.body());
		assertThat(problem.path("message").asString()).isEqualTo("Unprocessable Entity");
		assertThat(problem.path("errors").get(0).asString()).contains("MERGE");
		assertThat(problem.path("documentation_url").asString()).startsWith("https://docs.github.com/");

		// line 2 of the new file is an added line, 4 a context line; 5 is past the hunk, and the old file has 3 lines
		assertThat(post(path, "reviewer", review("RIGHT", 5)).statusCode()).isEqualTo(422);
		assertThat(post(path, "reviewer", review("LEFT", 4)).statusCode()).isEqualTo(422);
		assertThat(post(path, "reviewer", "{\"event\":\"REQUEST_CHANGES\",\"body\":\"\"}").statusCode())
			.isEqualTo(422);
		assertThat(post(path, "reviewer", "{\"event\":\"APPROVE\",\"commit_id\":\"beef\"}").statusCode())
			.isEqualTo(422);
		assertThat(post(path, "reviewer", "{\"event\":\"APPROVE\",\"comments\":[{\"path\":\"b.txt\",\"line\":1,"
				+ "\"body\":\"x\"}]}").statusCode()).isEqualTo(422);
		assertThat(github.reviews(REPO, 7)).as("nothing stored for a refused review").isEmpty();

		HttpResponse<String> posted = post(path, "reviewer", review("RIGHT", 2).replace("}]}",
				"},{\"path\":\"a.txt\",\"line\":4,\"side\":\"RIGHT\",\"body\":\"context\"},"
						+ "{\"path\":\"a.txt\",\"line\":2,\"side\":\"LEFT\",\"body\":\"deleted\"}]}"));
		assertThat(posted.statusCode()).isEqualTo(200);
		JsonNode review = json.readTree(posted.body());
		assertThat(review.path("state").asString()).isEqualTo("CHANGES_REQUESTED");
		assertThat(review.path("commit_id").asString()).isEqualTo(HEAD);
		assertThat(review.path("user").path("login").asString()).isEqualTo("colony[bot]");
		assertThat(review.path("submitted_at").asString()).isNotBlank();

		JsonNode listed = json.readTree(get(path, "reader").body());
		assertThat(listed).hasSize(1);
		assertThat(listed.get(0).path("id").asLong()).isEqualTo(review.path("id").asLong());
		JsonNode comments = json.readTree(get("/repos/acme/shop/pulls/7/comments", "reader").body());
		assertThat(comments).hasSize(3);
		assertThat(comments.get(0).path("pull_request_review_id").asLong()).isEqualTo(review.path("id").asLong());
		assertThat(comments.get(0).path("line").asInt()).isEqualTo(2);
		assertThat(comments.get(0).path("side").asString()).isEqualTo("RIGHT");
		assertThat(comments.get(0).path("path").asString()).isEqualTo("a.txt");
	}

	@Test
	void listsAtMost3000Files() throws Exception {
		List<FileChange> files = IntStream.range(0, 3005).mapToObj(i -> FileChange.modified("f" + i, PATCH)).toList();
		github.seed(REPO, 9, "Big", HEAD, "base", files);
		HttpResponse<String> last = get("/repos/acme/shop/pulls/9/files?per_page=100&page=30", "reader");
		assertThat(json.readTree(last.body())).hasSize(100);
		assertThat(last.headers().firstValue("Link").orElse("")).doesNotContain("rel=\"next\"");
		assertThat(json.readTree(get("/repos/acme/shop/pulls/9/files?per_page=100&page=31", "reader").body()))
			.isEmpty();
	}

	private static String review(String side, int line) {
		return "{\"commit_id\":\"" + HEAD + "\",\"event\":\"REQUEST_CHANGES\",\"body\":\"see comments\",\"comments\":"
				+ "[{\"path\":\"a.txt\",\"line\":" + line + ",\"side\":\"" + side + "\",\"body\":\"here\"}]}";
	}

	private static java.util.Optional<String> nextLink(String header) {
		for (String part : header.split(",")) {
			if (part.contains("rel=\"next\"")) {
				return java.util.Optional.of(part.substring(part.indexOf('<') + 1, part.indexOf('>')));
			}
		}
		return java.util.Optional.empty();
	}

	private HttpRequest.Builder request(URI uri, String token) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(uri).header("Accept", "application/vnd.github+json");
		return token == null ? builder : builder.header("Authorization", "Bearer " + token);
	}

	private HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
		return http.send(request(URI.create(github.apiUrl() + path), token).GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(String path, String token, String body) throws IOException, InterruptedException {
		return http.send(request(URI.create(github.apiUrl() + path), token)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}
}
