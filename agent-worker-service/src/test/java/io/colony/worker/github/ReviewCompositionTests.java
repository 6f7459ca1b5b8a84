package io.colony.worker.github;

import io.colony.contracts.JobId;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pieces of the review workflow that need no GitHub: globs, diff lines, specialists' answers, the review. */
class ReviewCompositionTests {

	static final String PATCH = """
			@@ -1,2 +1,3 @@
			 a
			+b
			 c
			@@ -20,2 +21,2 @@ void f() {
			-old
			+new
			 tail
			\\ No newline at end of file""";

	@Test
	void globsWorkLikeGitHubs() {
		PathGlobs src = new PathGlobs(List.of("src/**"), List.of("**/*.md", "src/gen/*"));
		assertThat(src.matches("src/a/B.java")).isTrue();
		assertThat(src.matches("src/B.java")).isTrue();
		assertThat(src.matches("src/a/README.md")).isFalse();
		assertThat(src.matches("src/gen/X.java")).isFalse();
		assertThat(src.matches("src/gen/deeper/X.java")).as("* stays within a directory").isTrue();
		assertThat(src.matches("docs/src/B.java")).isFalse();
		PathGlobs all = new PathGlobs(List.of(), List.of("**/*.md"));
		assertThat(all.matches("README.md")).as("**/ also matches no directory").isFalse();
		assertThat(all.matches("docs/a/README.md")).isFalse();
		assertThat(all.matches("docs/a/README.txt")).as("no paths: every file").isTrue();
		assertThat(new PathGlobs(List.of("*.java"), List.of()).matches("a/B.java")).isFalse();
		assertThat(new PathGlobs(List.of("?.java"), List.of()).matches("B.java")).isTrue();
		assertThat(new PathGlobs(List.of("a.b"), List.of()).matches("axb")).as("dots are literal").isFalse();
	}

	@Test
	void onlyAddedAndContextLinesOfTheNewFileTakeComments() {
		DiffLines lines = DiffLines.of(PATCH);
		assertThat(List.of(1, 2, 3, 21, 22)).allMatch(lines::commentable);
		assertThat(List.of(0, 4, 20, 23)).noneMatch(lines::commentable);
		assertThat(DiffLines.of(null).commentable(1)).isFalse();
	}

	@Test
	void specialistsAnswersAreReadLineByLine() {
		SpecialistOutputs outputs = SpecialistOutputs.parse("""
				## request
				{"repository":"acme/shop"}

				## f1-security-reviewer (security-reviewer)
				L2: injection here
				- L21 - and here
				Something general.
				no findings
				**VERDICT:** request-changes

				## f2-style-reviewer (style-reviewer)
				VERDICT: approve

				## summary-notes
				f3-logic-reviewer failed: timed out
				""");
		assertThat(outputs.request()).isEqualTo("{\"repository\":\"acme/shop\"}");
		SpecialistOutputs.Output security = outputs.outputs().get("f1-security-reviewer");
		assertThat(security.file()).isEqualTo(1);
		assertThat(security.specialist()).isEqualTo("security-reviewer");
		assertThat(security.findings()).containsExactly(new SpecialistOutputs.Finding(2, "injection here"),
				new SpecialistOutputs.Finding(21, "and here"));
		assertThat(security.remarks()).containsExactly("Something general.");
		assertThat(security.requestsChanges()).isTrue();
		assertThat(outputs.outputs().get("f2-style-reviewer").requestsChanges()).isFalse();
		assertThat(outputs.notes()).containsExactly("summary-notes: f3-logic-reviewer failed: timed out");
	}

	@Test
	void theReviewPutsFindingsOnDiffLinesAndTheRestInTheBody() {
		ReviewRequest request = ReviewRequest.parse("""
				{"repository":"acme/shop","number":7,"headSha":"abcdef1234567","specialists":["security-reviewer","style-reviewer"]}""");
		List<GitHubApi.ChangedFile> files = List.of(new GitHubApi.ChangedFile("src/A.java", "modified", PATCH));
		SpecialistOutputs outputs = SpecialistOutputs.parse("""
				## request
				{}
				## f1-security-reviewer (security-reviewer)
				L2: bad
				L5: outside
				VERDICT: approve
				## f1-style-reviewer (style-reviewer)
				L22: rename
				VERDICT: approve
				## f2-style-reviewer (style-reviewer)
				L1: a file that is gone
				""");
		JobId job = new JobId(UUID.fromString("00000000-0000-0000-0000-000000000001"));
		ObjectNode review = PullRequestReview.review(job, request, files, outputs);
		assertThat(review.path("event").asString()).isEqualTo("APPROVE");
		assertThat(review.path("commit_id").asString()).isEqualTo("abcdef1234567");
		JsonNode comments = review.path("comments");
		assertThat(comments).hasSize(2);
		assertThat(comments.get(0).path("path").asString()).isEqualTo("src/A.java");
		assertThat(comments.get(0).path("line").asInt()).isEqualTo(2);
		assertThat(comments.get(0).path("side").asString()).isEqualTo("RIGHT");
		assertThat(comments.get(1).path("line").asInt()).isEqualTo(22);
		assertThat(review.path("body").asString())
			.startsWith("<!-- colony-job:00000000-0000-0000-0000-000000000001 -->")
			.contains("L5 (not in the diff) **security-reviewer**: outside", "No specialist asked for changes",
					"f2-style-reviewer (its file is no longer in the pull request)");
	}

	@Test
	void aReviewRequestNeedsWhatTheReviewUses() {
		assertThatThrownBy(() -> ReviewRequest.parse("not json")).isInstanceOf(ReviewRequest.Invalid.class);
		assertThatThrownBy(() -> ReviewRequest.parse("{\"repository\":\"acme\",\"number\":1,\"headSha\":\"abcdef1\","
				+ "\"specialists\":[\"a\"]}")).hasMessageContaining("owner/repo");
		assertThatThrownBy(() -> ReviewRequest.parse("{\"repository\":\"acme/shop\",\"number\":1,\"headSha\":\"xyz\","
				+ "\"specialists\":[\"a\"]}")).hasMessageContaining("headSha");
		assertThatThrownBy(() -> ReviewRequest.parse("{\"repository\":\"acme/shop\",\"number\":1,"
				+ "\"headSha\":\"abcdef1\",\"specialists\":[]}")).hasMessageContaining("specialists");
		ReviewRequest ok = ReviewRequest.parse("{\"repository\":\"acme/shop\",\"number\":3,\"headSha\":\"abcdef1\","
				+ "\"specialists\":[\"style-reviewer\"]}");
		assertThat(ok.maxFiles()).isEqualTo(12);
		assertThat(ok.apiPath()).isEqualTo("/repos/acme/shop/pulls/3");
	}

	@Test
	void settingsDefaultToGitHubDotCom() {
		GitHubProperties defaults = new GitHubProperties(null, null, null, null);
		assertThat(defaults.base()).isEqualTo("https://api.github.com");
		assertThat(new GitHubProperties(URI.create("http://127.0.0.1:9/api/v3/"), null, null, null).base())
			.isEqualTo("http://127.0.0.1:9/api/v3");
		assertThatIllegalArgumentException().isThrownBy(() -> new GitHubProperties(URI.create("ftp://x"), null, null,
				null));
	}

	@Test
	void refusalsSayWhatGitHubSaidButNoMore() {
		GitHubFailure unprocessable = GitHubApi.refusal(422, """
				{"message":"Unprocessable Entity","errors":["Line could not be resolved"],"documentation_url":"x"}"""
			.getBytes(), "the review of acme/shop#7");
		assertThat(unprocessable.retryable()).isFalse();
		assertThat(unprocessable.getMessage()).isEqualTo(
				"GitHub answered 422 to the review of acme/shop#7: Unprocessable Entity (Line could not be resolved)");
		GitHubFailure unauthorized = GitHubApi.refusal(401, "{\"message\":\"Bad credentials\"}".getBytes(), "x");
		assertThat(unauthorized.retryable()).isFalse();
		assertThat(unauthorized.getMessage()).isEqualTo("GitHub answered 401 to x");
		assertThat(GitHubApi.refusal(502, new byte[0], "x").retryable()).isTrue();
		assertThat(GitHubApi.refusal(429, new byte[0], "x").retryable()).isTrue();
	}
}
