package io.colony.benchmarks.github;

import io.colony.benchmarks.cli.Args;
import io.colony.platform.testing.github.GitHubStandIn;
import io.colony.platform.testing.github.GitHubStandIn.FileChange;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code github-sim --port 8090 [--jwks-url http://127.0.0.1:8084/api/v1/credentials/jwks] [--repository acme/shop]}:
 * serves the GitHub stand-in (pulls, files, reviews, review comments) until the process is stopped, with one open
 * pull request {@code #1} seeded, its head {@value #HEAD}. Tokens are checked against the credential service's JWKS.
 */
public final class GitHubSimCommand {

	static final String HEAD = "6dcb09b5b57875f334f61aebed695e2e4193db5e";

	private GitHubSimCommand() {
	}

	public static int run(Args args, PrintStream err) {
		int port = args.integer("port", 8090, 0, 65_535);
		String jwks = args.string("jwks-url", "http://127.0.0.1:8084/api/v1/credentials/jwks");
		String repository = args.string("repository", "acme/shop");
		args.requireAllKnown();
		GitHubStandIn github = GitHubStandIn.start(GitHubStandIn.jwks(jwks), "colony[bot]", port);
		github.seed(repository, 1, "Compute the basket total", HEAD, "9049f1265b7d61be4a8904a9a27120d2064dab3b",
				List.of(FileChange.modified("src/main/java/shop/Basket.java", """
						@@ -10,3 +10,4 @@ class Basket {
						 	int total() {
						-		return 0;
						+		int sum = items.stream().mapToInt(Item::price).sum();
						+		return sum;
						 	}"""), FileChange.added("src/test/java/shop/BasketTests.java", """
						@@ -0,0 +1,3 @@
						+class BasketTests {
						+	@Test void empty() { assertEquals(0, new Basket().total()); }
						+}""")));
		CountDownLatch stopped = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			github.close();
			stopped.countDown();
		}, "github-sim-stop"));
		err.println("GitHub stand-in on " + github.apiUrl() + " (GET /repos/" + repository + "/pulls/1[/files|/reviews|"
				+ "/comments], POST …/reviews), tokens checked against " + jwks);
		try {
			stopped.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return 0;
	}
}
