package io.colony.worker.github;

import io.colony.worker.credentials.CredentialFailure;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The calls of GitHub's REST API (version 2022-11-28) a review makes. The token is asked for right before each
 * request is sent (the credential's point-of-use check); {@code Link: rel="next"} is followed only within
 * {@code api-url}, so a token is never sent elsewhere; redirects are not followed.
 *
 * <p>The JDK's client (asynchronous: no thread waits on a call) rather than a WebClient: a task's calls are chained
 * (credential, page, page, review), and WebClient's tracing scopes interleave across such chains on the
 * connections' threads, which the tracing context propagation then refuses to restore.
 */
final class GitHubApi {

	static final String API_VERSION = "2022-11-28";

	/** GitHub lists at most this many files of a pull request. */
	static final int MAX_FILES = 3000;

	private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"next\"");

	private static final JsonMapper JSON = JsonMapper.shared();

	private final HttpClient http;

	private final GitHubProperties properties;

	GitHubApi(GitHubProperties properties) {
		this.properties = properties;
		this.http = HttpClient.newBuilder()
			.connectTimeout(properties.timeout())
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
	}

	/** A changed file as GitHub lists it; {@code patch} is {@code null} for binary and very large files. */
	record ChangedFile(String filename, String status, String patch) {
	}

	/** A review already on the pull request. */
	record ExistingReview(long id, String state, String body, String commitId) {
	}

	/** The pull request's files, in GitHub's order, following the pages (at most {@value #MAX_FILES}). */
	Mono<List<ChangedFile>> files(ReviewRequest request, Supplier<String> token) {
		String first = properties.base() + request.apiPath() + "/files?per_page=100&page=1";
		return pages(first, token, "the files of " + request.repository() + "#" + request.number())
			.flatMapIterable(page -> {
				List<ChangedFile> files = new ArrayList<>();
				for (JsonNode file : page) {
					files.add(new ChangedFile(file.path("filename").asString(""), file.path("status").asString(""),
							file.path("patch").isString() ? file.path("patch").asString() : null));
				}
				return files;
			})
			.take(MAX_FILES)
			.collectList();
	}

	Mono<List<ExistingReview>> reviews(ReviewRequest request, Supplier<String> token) {
		String first = properties.base() + request.apiPath() + "/reviews?per_page=100&page=1";
		return pages(first, token, "the reviews of " + request.repository() + "#" + request.number())
			.flatMapIterable(page -> {
				List<ExistingReview> reviews = new ArrayList<>();
				for (JsonNode review : page) {
					reviews.add(new ExistingReview(review.path("id").asLong(), review.path("state").asString(""),
							review.path("body").asString(""), review.path("commit_id").asString("")));
				}
				return reviews;
			})
			.collectList();
	}

	/** Posts a review; answers GitHub's review object. */
	Mono<JsonNode> createReview(ReviewRequest request, ObjectNode review, Supplier<String> token) {
		String what = "the review of " + request.repository() + "#" + request.number();
		return send(properties.base() + request.apiPath() + "/reviews", JSON.writeValueAsBytes(review), token, what)
			.map(Page::body);
	}

	private record Page(JsonNode body, String next) {
	}

	private Flux<JsonNode> pages(String first, Supplier<String> token, String what) {
		return send(first, null, token, what)
			.expand(page -> page.next() == null ? Mono.empty() : send(page.next(), null, token, what))
			.take(MAX_FILES / 100 + 1)
			.map(Page::body);
	}

	/** One call; the token is asked for (the point-of-use check) as the request is built. */
	private Mono<Page> send(String url, byte[] body, Supplier<String> token, String what) {
		return Mono.defer(() -> {
			HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
				.timeout(properties.timeout())
				.header("Authorization", "Bearer " + token.get())
				.header("Accept", "application/vnd.github+json")
				.header("X-GitHub-Api-Version", API_VERSION)
				.header("User-Agent", "colony-pr-review");
			if (body != null) {
				request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
			}
			return Mono.fromFuture(http.sendAsync(request.build(), capped()), true);
		})
			.timeout(properties.timeout())
			.map(response -> read(response, what))
			.onErrorMap(error -> !(error instanceof GitHubFailure) && !(error instanceof CredentialFailure),
					error -> failure(error, what))
			.publishOn(Schedulers.parallel());
	}

	private Page read(HttpResponse<byte[]> response, String what) {
		int status = response.statusCode();
		if (status < 200 || status > 299) {
			throw refusal(status, response.body(), what);
		}
		try {
			return new Page(JSON.readTree(response.body()), next(response.headers().firstValue("Link").orElse(null)));
		}
		catch (JacksonException ex) {
			throw new GitHubFailure("GitHub answered " + what + " with something other than JSON", true);
		}
	}

	/** Only a next page on GitHub's own API: a token is never sent to another host. */
	private String next(String link) {
		if (link == null) {
			return null;
		}
		Matcher next = NEXT.matcher(link);
		if (!next.find()) {
			return null;
		}
		String url = next.group(1);
		return url.startsWith(properties.base() + "/") ? url : null;
	}

	/**
	 * 401, 403, 404 and 422 are final (a wrong token, missing rights, an unknown pull, a refused review); 408, 429 and
	 * 5xx may pass. For a 404 or 422 GitHub's message and errors are kept (they name what is at fault, never a
	 * secret); for the others only the status.
	 */
	static GitHubFailure refusal(int status, byte[] body, String what) {
		boolean retryable = status == 429 || status >= 500 || status == 408;
		StringBuilder reason = new StringBuilder("GitHub answered ").append(status).append(" to ").append(what);
		if (status == 422 || status == 404) {
			try {
				JsonNode problem = JSON.readTree(body);
				String message = problem.path("message").asString("");
				if (!message.isBlank()) {
					reason.append(": ").append(message);
				}
				List<String> errors = new ArrayList<>();
				problem.path("errors")
					.forEach(e -> errors.add(e.isString() ? e.asString() : e.path("message").asString(e.toString())));
				if (!errors.isEmpty()) {
					reason.append(" (").append(String.join("; ", errors)).append(')');
				}
			}
			catch (JacksonException | IllegalArgumentException notJson) {
				// the status says enough
			}
		}
		String text = reason.length() > 500 ? reason.substring(0, 500) + " …" : reason.toString();
		return new GitHubFailure(text, retryable);
	}

	private GitHubFailure failure(Throwable error, String what) {
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			if (cause instanceof TimeoutException || cause instanceof HttpTimeoutException) {
				return new GitHubFailure("GitHub did not answer " + what + " within " + properties.timeout(), true);
			}
			if (cause instanceof ResponseTooLarge) {
				return new GitHubFailure("GitHub's answer to " + what + " is larger than "
						+ properties.maxResponseSize().toKilobytes() + "KB", false);
			}
		}
		Throwable root = error;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return new GitHubFailure("could not reach GitHub for " + what + " (" + root.getClass().getSimpleName() + ")",
				true);
	}

	/** Keeps at most {@code max-response-size}; a longer body fails the call, not retryably. */
	private HttpResponse.BodyHandler<byte[]> capped() {
		long max = properties.maxResponseSize().toBytes();
		return info -> HttpResponse.BodySubscribers.fromSubscriber(new CappedBody(max), CappedBody::bytes);
	}

	private static final class CappedBody implements Flow.Subscriber<List<ByteBuffer>> {

		private final long max;

		private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

		private volatile boolean tooLarge;

		CappedBody(long max) {
			this.max = max;
		}

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(List<ByteBuffer> buffers) {
			for (ByteBuffer buffer : buffers) {
				if (tooLarge || bytes.size() + buffer.remaining() > max) {
					// drained but not kept, so that the response completes (within the call's timeout) as too large
					tooLarge = true;
					buffer.position(buffer.limit());
					continue;
				}
				byte[] chunk = new byte[buffer.remaining()];
				buffer.get(chunk);
				bytes.writeBytes(chunk);
			}
		}

		@Override
		public void onError(Throwable throwable) {
			// the client fails the response's future itself
		}

		@Override
		public void onComplete() {
		}

		byte[] bytes() {
			if (tooLarge) {
				throw new ResponseTooLarge();
			}
			return bytes.toByteArray();
		}
	}

	private static final class ResponseTooLarge extends RuntimeException {

		ResponseTooLarge() {
			super(null, null, false, false);
		}
	}
}
