package io.colony.platform.testing.github;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the part of GitHub's REST API a pull-request review uses, on 127.0.0.1 (random port), with payloads
 * shaped like GitHub's documented ones (API version 2022-11-28):
 * <ul>
 * <li>{@code GET /repos/{o}/{r}/pulls/{n}}: the pull request;</li>
 * <li>{@code GET /repos/{o}/{r}/pulls/{n}/files}: its files, paged by {@code per_page} (at most 100, default 30) and
 * {@code page}, with a {@code Link} header, never more than 3000 files in all, as GitHub;</li>
 * <li>{@code POST /repos/{o}/{r}/pulls/{n}/reviews}: a review, validated as GitHub does (event, body, comment lines
 * that are in the diff), answered with the review object;</li>
 * <li>{@code GET /repos/{o}/{r}/pulls/{n}/reviews} and {@code GET /repos/{o}/{r}/pulls/{n}/comments}.</li>
 * </ul>
 * Unknown repositories, pulls and routes are GitHub's 404 {@code {"message":"Not Found",...}}. Every request needs
 * {@code Authorization: Bearer <token>} accepted by the {@link TokenCheck}: scope {@code github:read} for reads,
 * {@code github:review} for posting a review ({@link #jwks} checks the credential service's RS256 JWTs).
 * Repositories, pulls and files are seeded with {@link #seed}. A JDK server on a thread pool, so that requests are
 * served concurrently.
 */
public final class GitHubStandIn implements AutoCloseable {

	public static final String READ_SCOPE = "github:read";

	public static final String REVIEW_SCOPE = "github:review";

	static final String DOCS = "https://docs.github.com/rest";

	static final int MAX_FILES = 3000;

	/** Decides whether a bearer token may do what needs {@code scope}. */
	@FunctionalInterface
	public interface TokenCheck {

		Access check(String token, String scope);
	}

	public enum Access {
		/** The token is valid and has the scope. */
		GRANTED,
		/** Not a valid token: 401 "Bad credentials". */
		BAD_CREDENTIALS,
		/** A valid token without the scope: 403. */
		FORBIDDEN
	}

	/** One changed file of a pull request; {@code patch} is {@code null} for a binary file. */
	public record FileChange(String filename, String status, String patch) {

		public static FileChange modified(String filename, String patch) {
			return new FileChange(filename, "modified", patch);
		}

		public static FileChange added(String filename, String patch) {
			return new FileChange(filename, "added", patch);
		}
	}

	/** A request as the stand-in saw it. */
	public record Request(String method, String path, String query, String authorization, String apiVersion) {
	}

	/** A posted review comment, as stored. */
	public record ReviewComment(long id, long reviewId, String path, int line, String side, String body,
			String commitId) {
	}

	/** A posted review, as stored. */
	public record Review(long id, String state, String body, String commitId, String login, Instant submittedAt,
			List<ReviewComment> comments) {
	}

	private record Pull(String repository, int number, String title, String headSha, String baseSha, String author,
			List<FileChange> files, List<Review> reviews) {
	}

	private static final Pattern ROUTE = Pattern
		.compile("^/repos/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)/pulls/(\\d+)(/files|/reviews|/comments)?/?$");

	private final JsonMapper json = JsonMapper.builder().build();

	private final HttpServer server;

	private final ExecutorService executor = Executors.newFixedThreadPool(8);

	private final TokenCheck tokens;

	private final Clock clock;

	private final Map<String, Pull> pulls = new ConcurrentHashMap<>();

	private final List<Request> requests = new CopyOnWriteArrayList<>();

	private final AtomicLong ids = new AtomicLong(1_000_000);

	private final Map<String, Integer> failures = new ConcurrentHashMap<>();

	private final String reviewer;

	private GitHubStandIn(TokenCheck tokens, String reviewer, Clock clock, int port) throws IOException {
		this.tokens = tokens;
		this.reviewer = reviewer;
		this.clock = clock;
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
		server.setExecutor(executor);
		server.createContext("/", this::handle);
		server.start();
	}

	/** @param reviewer the login reviews are posted as (the GitHub App's bot user, e.g. {@code colony[bot]}) */
	public static GitHubStandIn start(TokenCheck tokens, String reviewer) {
		return start(tokens, reviewer, 0);
	}

	/** @param port on 127.0.0.1; {@code 0} for any free one */
	public static GitHubStandIn start(TokenCheck tokens, String reviewer, int port) {
		try {
			return new GitHubStandIn(tokens, reviewer, Clock.systemUTC(), port);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public static GitHubStandIn start(TokenCheck tokens) {
		return start(tokens, "colony[bot]");
	}

	/** Checks RS256 JWTs against the credential service's JWKS: audience {@code github}, not expired, the scope. */
	public static TokenCheck jwks(String jwksUrl) {
		return new JwksTokenCheck(jwksUrl, "github");
	}

	/** The API's base URL, as {@code https://api.github.com} for GitHub. */
	public String apiUrl() {
		return "http://127.0.0.1:" + server.getAddress().getPort();
	}

	/** Seeds an open pull request of {@code repository} ({@code owner/name}), replacing any with its number. */
	public void seed(String repository, int number, String title, String headSha, String baseSha,
			List<FileChange> files) {
		pulls.put(key(repository, number), new Pull(repository, number, title, headSha, baseSha, "octocat",
				List.copyOf(files), new CopyOnWriteArrayList<>()));
	}

	/** The next {@code count} requests to {@code pathSuffix} (e.g. {@code /reviews}) answer {@code 502}. */
	public void failNext(String pathSuffix, int count) {
		failures.put(pathSuffix, count);
	}

	public List<Request> requests() {
		return List.copyOf(requests);
	}

	public List<Review> reviews(String repository, int number) {
		Pull pull = pulls.get(key(repository, number));
		return pull == null ? List.of() : List.copyOf(pull.reviews());
	}

	public List<ReviewComment> comments(String repository, int number) {
		return reviews(repository, number).stream().flatMap(review -> review.comments().stream()).toList();
	}

	@Override
	public void close() {
		server.stop(0);
		executor.shutdownNow();
	}

	private static String key(String repository, int number) {
		return repository.toLowerCase() + "#" + number;
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			String method = exchange.getRequestMethod();
			String path = exchange.getRequestURI().getRawPath();
			String query = exchange.getRequestURI().getRawQuery();
			String authorization = exchange.getRequestHeaders().getFirst("Authorization");
			requests.add(new Request(method, path, query, authorization,
					exchange.getRequestHeaders().getFirst("X-GitHub-Api-Version")));
			byte[] body = readBody(exchange.getRequestBody());
			Matcher route = ROUTE.matcher(path);
			if (!route.matches()) {
				notFound(exchange);
				return;
			}
			String suffix = route.group(4) == null ? "" : route.group(4);
			boolean post = "POST".equals(method);
			if (!post && !"GET".equals(method) || post && !"/reviews".equals(suffix)) {
				notFound(exchange);
				return;
			}
			String scope = post ? REVIEW_SCOPE : READ_SCOPE;
			String token = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
					? authorization.substring(7).strip() : null;
			Access access = token == null || token.isEmpty() ? Access.BAD_CREDENTIALS : tokens.check(token, scope);
			if (access == Access.BAD_CREDENTIALS) {
				message(exchange, 401, "Bad credentials");
				return;
			}
			if (access == Access.FORBIDDEN) {
				message(exchange, 403, "Resource not accessible by integration");
				return;
			}
			boolean[] failing = new boolean[1];
			failures.computeIfPresent(suffix, (k, left) -> {
				failing[0] = true;
				return left > 1 ? left - 1 : null;
			});
			if (failing[0]) {
				message(exchange, 502, "Server Error");
				return;
			}
			Pull pull = pulls.get(key(route.group(1) + "/" + route.group(2), Integer.parseInt(route.group(3))));
			if (pull == null) {
				notFound(exchange);
				return;
			}
			switch (suffix) {
				case "" -> send(exchange, 200, pullObject(pull));
				case "/files" -> files(exchange, pull, query);
				case "/comments" -> {
					ArrayNode comments = json.createArrayNode();
					pull.reviews().forEach(review -> review.comments().forEach(c -> comments.add(commentObject(pull, c))));
					send(exchange, 200, comments);
				}
				default -> {
					if (post) {
						createReview(exchange, pull, body);
					}
					else {
						ArrayNode reviews = json.createArrayNode();
						pull.reviews().forEach(review -> reviews.add(reviewObject(pull, review)));
						send(exchange, 200, reviews);
					}
				}
			}
		}
		catch (RuntimeException ex) {
			message(exchange, 500, "Server Error");
		}
	}

	private void files(HttpExchange exchange, Pull pull, String query) throws IOException {
		Map<String, String> parameters = parameters(query);
		int perPage = clamp(parameters.get("per_page"), 30, 1, 100);
		int page = clamp(parameters.get("page"), 1, 1, Integer.MAX_VALUE);
		List<FileChange> files = pull.files().subList(0, Math.min(pull.files().size(), MAX_FILES));
		int last = Math.max(1, (files.size() + perPage - 1) / perPage);
		long from = (long) (page - 1) * perPage;
		ArrayNode array = json.createArrayNode();
		for (long i = from; i < Math.min(files.size(), from + perPage); i++) {
			array.add(fileObject(pull, files.get((int) i)));
		}
		List<String> links = new ArrayList<>();
		String base = apiUrl() + "/repos/" + pull.repository() + "/pulls/" + pull.number() + "/files?per_page="
				+ perPage + "&page=";
		if (page > 1) {
			links.add("<" + base + (page - 1) + ">; rel=\"prev\"");
		}
		if (page < last) {
			links.add("<" + base + (page + 1) + ">; rel=\"next\"");
			links.add("<" + base + last + ">; rel=\"last\"");
		}
		if (page > 1) {
			links.add("<" + base + 1 + ">; rel=\"first\"");
		}
		if (!links.isEmpty()) {
			exchange.getResponseHeaders().set("Link", String.join(", ", links));
		}
		send(exchange, 200, array);
	}

	private void createReview(HttpExchange exchange, Pull pull, byte[] body) throws IOException {
		JsonNode request;
		try {
			request = json.readTree(body);
		}
		catch (JacksonException ex) {
			message(exchange, 400, "Problems parsing JSON");
			return;
		}
		if (request == null || !request.isObject()) {
			message(exchange, 400, "Problems parsing JSON");
			return;
		}
		List<String> errors = new ArrayList<>();
		String event = request.path("event").asString("");
		String reviewBody = request.path("body").asString("");
		String state = switch (event) {
			case "APPROVE" -> "APPROVED";
			case "REQUEST_CHANGES" -> "CHANGES_REQUESTED";
			case "COMMENT" -> "COMMENTED";
			default -> {
				errors.add("Unknown event: '" + event + "' (must be one of APPROVE, REQUEST_CHANGES, COMMENT)");
				yield null;
			}
		};
		if (("REQUEST_CHANGES".equals(event) || "COMMENT".equals(event)) && reviewBody.isBlank()) {
			errors.add("Body is required for " + event);
		}
		String commitId = request.path("commit_id").asString(pull.headSha());
		if (!commitId.equals(pull.headSha()) && !commitId.equals(pull.baseSha())) {
			errors.add("Commit " + commitId + " is not part of the pull request");
		}
		long reviewId = ids.incrementAndGet();
		List<ReviewComment> comments = new ArrayList<>();
		for (JsonNode comment : request.path("comments")) {
			String path = comment.path("path").asString(null);
			String side = comment.path("side").asString("RIGHT");
			int line = comment.path("line").asInt(-1);
			String text = comment.path("body").asString("");
			FileChange file = pull.files().stream().filter(f -> f.filename().equals(path)).findFirst().orElse(null);
			if (file == null) {
				errors.add("Path could not be resolved: " + path);
			}
			else if (text.isBlank()) {
				errors.add("Body can't be blank for a comment on " + path);
			}
			else if (!("RIGHT".equals(side) || "LEFT".equals(side))
					|| !DiffLines.of(file.patch()).commentable(side, line)) {
				errors.add("Line could not be resolved: " + path + " line " + line + " side " + side);
			}
			else {
				comments.add(new ReviewComment(ids.incrementAndGet(), reviewId, path, line, side, text, commitId));
			}
		}
		if (!errors.isEmpty()) {
			ObjectNode problem = json.createObjectNode();
			problem.put("message", "Unprocessable Entity");
			ArrayNode list = problem.putArray("errors");
			errors.forEach(list::add);
			problem.put("documentation_url", DOCS + "/pulls/reviews#create-a-review-for-a-pull-request");
			problem.put("status", "422");
			send(exchange, 422, problem);
			return;
		}
		Review review = new Review(reviewId, state, reviewBody, commitId, reviewer,
				clock.instant().truncatedTo(ChronoUnit.SECONDS), List.copyOf(comments));
		pull.reviews().add(review);
		send(exchange, 200, reviewObject(pull, review));
	}

	private ObjectNode user(String login) {
		ObjectNode user = json.createObjectNode();
		user.put("login", login);
		user.put("id", Math.abs(login.hashCode()));
		user.put("type", login.endsWith("[bot]") ? "Bot" : "User");
		user.put("html_url", "https://github.com/" + login);
		return user;
	}

	private ObjectNode repository(String fullName) {
		ObjectNode repo = json.createObjectNode();
		repo.put("id", Math.abs(fullName.hashCode()));
		repo.put("name", fullName.substring(fullName.indexOf('/') + 1));
		repo.put("full_name", fullName);
		repo.set("owner", user(fullName.substring(0, fullName.indexOf('/'))));
		repo.put("private", false);
		repo.put("html_url", "https://github.com/" + fullName);
		return repo;
	}

	private ObjectNode pullObject(Pull pull) {
		ObjectNode node = json.createObjectNode();
		String url = apiUrl() + "/repos/" + pull.repository() + "/pulls/" + pull.number();
		node.put("url", url);
		node.put("id", Math.abs((pull.repository() + pull.number()).hashCode()));
		node.put("node_id", "PR_" + pull.number());
		node.put("html_url", "https://github.com/" + pull.repository() + "/pull/" + pull.number());
		node.put("diff_url", "https://github.com/" + pull.repository() + "/pull/" + pull.number() + ".diff");
		node.put("number", pull.number());
		node.put("state", "open");
		node.put("locked", false);
		node.put("title", pull.title());
		node.set("user", user(pull.author()));
		node.put("draft", false);
		node.put("review_comments_url", url + "/comments");
		ObjectNode head = node.putObject("head");
		head.put("label", pull.author() + ":feature");
		head.put("ref", "feature");
		head.put("sha", pull.headSha());
		head.set("repo", repository(pull.repository()));
		ObjectNode base = node.putObject("base");
		base.put("label", pull.repository().substring(0, pull.repository().indexOf('/')) + ":main");
		base.put("ref", "main");
		base.put("sha", pull.baseSha());
		base.set("repo", repository(pull.repository()));
		node.put("changed_files", pull.files().size());
		node.put("additions", pull.files().stream().mapToInt(f -> DiffLines.of(f.patch()).additions()).sum());
		node.put("deletions", pull.files().stream().mapToInt(f -> DiffLines.of(f.patch()).deletions()).sum());
		return node;
	}

	private ObjectNode fileObject(Pull pull, FileChange file) {
		DiffLines diff = DiffLines.of(file.patch());
		ObjectNode node = json.createObjectNode();
		node.put("sha", Integer.toHexString(file.filename().hashCode()) + "0000000000000000000000000000000000");
		node.put("filename", file.filename());
		node.put("status", file.status());
		node.put("additions", diff.additions());
		node.put("deletions", diff.deletions());
		node.put("changes", diff.additions() + diff.deletions());
		node.put("blob_url", "https://github.com/" + pull.repository() + "/blob/" + pull.headSha() + "/" + file.filename());
		node.put("raw_url", "https://github.com/" + pull.repository() + "/raw/" + pull.headSha() + "/" + file.filename());
		node.put("contents_url", apiUrl() + "/repos/" + pull.repository() + "/contents/" + file.filename() + "?ref="
				+ pull.headSha());
		if (file.patch() != null) {
			node.put("patch", file.patch());
		}
		return node;
	}

	private ObjectNode reviewObject(Pull pull, Review review) {
		ObjectNode node = json.createObjectNode();
		node.put("id", review.id());
		node.put("node_id", "PRR_" + review.id());
		node.set("user", user(review.login()));
		node.put("body", review.body());
		node.put("state", review.state());
		node.put("html_url", "https://github.com/" + pull.repository() + "/pull/" + pull.number()
				+ "#pullrequestreview-" + review.id());
		node.put("pull_request_url", apiUrl() + "/repos/" + pull.repository() + "/pulls/" + pull.number());
		node.put("commit_id", review.commitId());
		node.put("submitted_at", review.submittedAt().toString());
		node.put("author_association", "NONE");
		return node;
	}

	private ObjectNode commentObject(Pull pull, ReviewComment comment) {
		ObjectNode node = json.createObjectNode();
		node.put("id", comment.id());
		node.put("node_id", "PRRC_" + comment.id());
		node.put("pull_request_review_id", comment.reviewId());
		node.put("path", comment.path());
		node.put("line", comment.line());
		node.put("side", comment.side());
		node.put("body", comment.body());
		node.put("commit_id", comment.commitId());
		node.set("user", user(reviewer));
		node.put("html_url", "https://github.com/" + pull.repository() + "/pull/" + pull.number() + "#discussion_r"
				+ comment.id());
		return node;
	}

	private void notFound(HttpExchange exchange) throws IOException {
		message(exchange, 404, "Not Found");
	}

	private void message(HttpExchange exchange, int status, String message) throws IOException {
		ObjectNode node = json.createObjectNode();
		node.put("message", message);
		node.put("documentation_url", DOCS);
		node.put("status", Integer.toString(status));
		send(exchange, status, node);
	}

	private void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
		byte[] bytes = json.writeValueAsBytes(body);
		exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
		exchange.getResponseHeaders().set("X-GitHub-Media-Type", "github.v3; format=json");
		exchange.sendResponseHeaders(status, bytes.length);
		exchange.getResponseBody().write(bytes);
	}

	private static byte[] readBody(InputStream in) throws IOException {
		return in.readNBytes(10 * 1024 * 1024);
	}

	private static Map<String, String> parameters(String query) {
		Map<String, String> parameters = new LinkedHashMap<>();
		if (query == null) {
			return parameters;
		}
		for (String pair : query.split("&")) {
			int eq = pair.indexOf('=');
			if (eq > 0) {
				parameters.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
						URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
			}
		}
		return parameters;
	}

	private static int clamp(String text, int fallback, int min, int max) {
		if (text == null) {
			return fallback;
		}
		try {
			return Math.max(min, Math.min(max, Integer.parseInt(text)));
		}
		catch (NumberFormatException ex) {
			return fallback;
		}
	}
}
