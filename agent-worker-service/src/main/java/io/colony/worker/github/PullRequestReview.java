package io.colony.worker.github;

import io.colony.contracts.JobId;
import io.colony.contracts.TaskAssigned;
import io.colony.contracts.Usage;
import io.colony.worker.agent.CodedAgent;
import io.colony.worker.agent.LoopOutcome;
import io.colony.worker.catalog.AgentType;
import io.colony.worker.credentials.CredentialFailure;
import io.colony.worker.credentials.CredentialNeed;
import io.colony.worker.credentials.CredentialServiceUnavailable;
import io.colony.worker.credentials.Credentials;
import io.colony.worker.credentials.HeldCredential;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The {@code pr-review} agent type's workflow ({@code handler: github-pr-review}), a supervisor in code:
 * <ul>
 * <li>PLAN: lists the pull request's files ({@code github:read}), keeps those the repository's paths select (no
 * removed or patch-less files, at most {@code maxFiles}) and answers a plan of one sub-task per file and specialist,
 * {@code f<k>-<specialist>} with the file's patch as input;</li>
 * <li>COMPOSE: reads the specialists' answers ({@code L<line>: <comment>}, {@code VERDICT: approve|request-changes}),
 * lists the files again to map {@code f<k>} back to a file, and posts one review ({@code github:review}): inline
 * comments on lines of the diff, the rest in the summary, {@code REQUEST_CHANGES} when any specialist asked for it,
 * else {@code APPROVE}.</li>
 * </ul>
 * Idempotent: the review body carries {@code <!-- colony-job:<jobId> -->}, and a COMPOSE that finds a review with it
 * for the same commit posts nothing. When no file is left to review the PLAN task posts a {@code COMMENT} review
 * saying so (also once) and fails, not retryably: a plan without sub-tasks is not a plan.
 */
final class PullRequestReview implements CodedAgent {

	static final String HANDLER = "github-pr-review";

	static final String RESOURCE = "github";

	static final String READ = "github:read";

	static final String REVIEW = "github:review";

	/** GitHub refuses review bodies over 65,536 characters. */
	static final int MAX_BODY = 60_000;

	static final int MAX_COMMENT = 4_000;

	private static final Logger log = LoggerFactory.getLogger(PullRequestReview.class);

	private static final JsonMapper JSON = JsonMapper.shared();

	private final GitHubApi github;

	private final Credentials credentials;

	private final GitHubProperties properties;

	PullRequestReview(GitHubApi github, Credentials credentials, GitHubProperties properties) {
		this.github = github;
		this.credentials = credentials;
		this.properties = properties;
	}

	@Override
	public String handler() {
		return HANDLER;
	}

	@Override
	public Mono<LoopOutcome> run(TaskAssigned task, AgentType type) {
		return Mono.defer(() -> switch (task.role()) {
			case PLAN -> plan(task);
			case COMPOSE -> compose(task);
			case WORK -> Mono.just(stopped("pr-review runs only as a supervisor: its tasks plan or compose", false));
		})
			.timeout(type.limits().timeout())
			.onErrorResume(error -> Mono.just(stopped(task, error)));
	}

	// ---- PLAN ------------------------------------------------------------------------------------------

	private Mono<LoopOutcome> plan(TaskAssigned task) {
		ReviewRequest request = ReviewRequest.parse(task.input().content());
		return credential(task, READ, "list the changed files of " + request.repository() + "#" + request.number())
			.flatMap(read -> github.files(request, token(read)))
			.flatMap(files -> {
				List<GitHubApi.ChangedFile> selected = selected(files, request);
				if (selected.isEmpty()) {
					return nothingToReview(task, request, files.size());
				}
				ObjectNode plan = JSON.createObjectNode();
				ArrayNode subtasks = plan.putArray("subtasks");
				for (int k = 0; k < selected.size(); k++) {
					GitHubApi.ChangedFile file = selected.get(k);
					for (String specialist : request.specialists()) {
						subtasks.addObject()
							.put("id", "f" + (k + 1) + "-" + specialist)
							.put("agent", specialist)
							.put("instruction", "Review the change to " + file.filename() + " as " + specialist
									+ ". Answer one finding per line as `L<line>: <comment>` (a line of the new file)"
									+ " and end with `VERDICT: approve` or `VERDICT: request-changes`.")
							.put("input", file.patch());
					}
				}
				log.info("review of {}#{} at {}: {} of {} file(s) × {} specialist(s)", request.repository(),
						request.number(), request.headSha(), selected.size(), files.size(), request.specialists().size());
				return Mono.just(answered(JSON.writeValueAsString(plan)));
			});
	}

	/** The files a review covers, in GitHub's order: the same list in PLAN and COMPOSE. */
	static List<GitHubApi.ChangedFile> selected(List<GitHubApi.ChangedFile> files, ReviewRequest request) {
		PathGlobs globs = request.globs();
		return files.stream()
			.filter(file -> !"removed".equals(file.status()))
			.filter(file -> file.patch() != null && !file.patch().isBlank())
			.filter(file -> globs.matches(file.filename()))
			.limit(request.maxFiles())
			.toList();
	}

	private Mono<LoopOutcome> nothingToReview(TaskAssigned task, ReviewRequest request, int listed) {
		String reason = "nothing to review: none of the " + listed + " changed file(s) of " + request.repository() + "#"
				+ request.number() + " is selected by the repository's paths (removed and binary files are skipped)";
		String body = marker(task.jobId()) + "\n**Colony review**: " + reason + ".";
		ObjectNode review = JSON.createObjectNode();
		review.put("commit_id", request.headSha());
		review.put("body", body);
		review.put("event", "COMMENT");
		return postOnce(task, request, review).map(posted -> stopped(reason + "; " + posted, false));
	}

	// ---- COMPOSE ---------------------------------------------------------------------------------------

	private Mono<LoopOutcome> compose(TaskAssigned task) {
		SpecialistOutputs outputs = SpecialistOutputs.parse(task.input().content());
		if (outputs.request() == null) {
			throw new ReviewRequest.Invalid("the compose input has no '## request' section");
		}
		ReviewRequest request = ReviewRequest.parse(outputs.request());
		return credential(task, READ, "list the changed files of " + request.repository() + "#" + request.number())
			.flatMap(read -> github.files(request, token(read)))
			.map(files -> selected(files, request))
			.flatMap(files -> {
				ObjectNode review = review(task.jobId(), request, files, outputs);
				return postOnce(task, request, review);
			})
			.map(PullRequestReview::answered);
	}

	/** The create-review request: inline comments where GitHub accepts them, everything else in the body. */
	static ObjectNode review(JobId jobId, ReviewRequest request, List<GitHubApi.ChangedFile> files,
			SpecialistOutputs outputs) {
		ArrayNode comments = JSON.createArrayNode();
		StringBuilder summary = new StringBuilder();
		Set<String> changesRequestedBy = new LinkedHashSet<>();
		Set<String> missing = new LinkedHashSet<>();
		for (int k = 0; k < files.size(); k++) {
			GitHubApi.ChangedFile file = files.get(k);
			DiffLines lines = DiffLines.of(file.patch());
			StringBuilder section = new StringBuilder();
			for (String specialist : request.specialists()) {
				SpecialistOutputs.Output output = outputs.outputs().get("f" + (k + 1) + "-" + specialist);
				if (output == null) {
					missing.add(file.filename() + " (" + specialist + ")");
					continue;
				}
				if (output.requestsChanges()) {
					changesRequestedBy.add(specialist);
				}
				for (SpecialistOutputs.Finding finding : output.findings()) {
					String text = "**" + specialist + "**: " + finding.comment();
					if (lines.commentable(finding.line())) {
						comments.addObject()
							.put("path", file.filename())
							.put("line", finding.line())
							.put("side", "RIGHT")
							.put("body", cut(text, MAX_COMMENT));
					}
					else {
						section.append("- L").append(finding.line()).append(" (not in the diff) ").append(text)
							.append('\n');
					}
				}
				for (String remark : output.remarks()) {
					section.append("- **").append(specialist).append("**: ").append(remark).append('\n');
				}
			}
			if (!section.isEmpty()) {
				summary.append("\n#### `").append(file.filename()).append("`\n").append(section);
			}
		}
		outputs.outputs().keySet().stream()
			.filter(id -> {
				int file = outputs.outputs().get(id).file();
				return file < 1 || file > files.size();
			})
			.forEach(id -> missing.add(id + " (its file is no longer in the pull request)"));
		String event = changesRequestedBy.isEmpty() ? "APPROVE" : "REQUEST_CHANGES";
		StringBuilder body = new StringBuilder(marker(jobId)).append('\n');
		body.append("**Colony review** of `").append(request.headSha(), 0, Math.min(12, request.headSha().length()))
			.append("`: ").append(files.size()).append(" file(s) by ").append(String.join(", ", request.specialists()))
			.append(". ");
		body.append(changesRequestedBy.isEmpty() ? "No specialist asked for changes."
				: "Changes requested by " + String.join(", ", changesRequestedBy) + ".");
		body.append(" ").append(comments.size()).append(" inline comment(s).\n");
		if (!missing.isEmpty()) {
			body.append("\nNo answer from: ").append(String.join(", ", missing)).append('\n');
		}
		if (!outputs.notes().isEmpty()) {
			body.append('\n');
			outputs.notes().forEach(note -> body.append("> ").append(note).append('\n'));
		}
		body.append(summary);
		ObjectNode review = JSON.createObjectNode();
		review.put("commit_id", request.headSha());
		review.put("body", cut(body.toString(), MAX_BODY));
		review.put("event", event);
		review.set("comments", comments);
		return review;
	}

	/**
	 * Posts {@code review} unless a review of this job for the same commit is on the pull request already (a re-run
	 * of the task after a lost result, or a second COMPOSE attempt); answers a line saying which.
	 */
	private Mono<String> postOnce(TaskAssigned task, ReviewRequest request, ObjectNode review) {
		String marker = marker(task.jobId());
		return credential(task, READ, "list the reviews of " + request.repository() + "#" + request.number())
			.flatMap(read -> github.reviews(request, token(read)))
			.flatMap(reviews -> credential(task, REVIEW, "post the review of " + request.repository() + "#"
					+ request.number())
				.flatMap(held -> {
					for (GitHubApi.ExistingReview existing : reviews) {
						if (existing.body().contains(marker) && request.headSha().equals(existing.commitId())) {
							return Mono.just("review " + existing.id() + " (" + existing.state() + ") was posted on "
									+ request.repository() + "#" + request.number() + " already; nothing posted again");
						}
					}
					return github.createReview(request, review, token(held))
						.map(posted -> "posted review " + posted.path("id").asLong() + " ("
								+ review.path("event").asString() + ", " + posted.path("state").asString("")
								+ ") on " + request.repository() + "#" + request.number() + " at " + request.headSha()
								+ " with " + review.path("comments").size() + " inline comment(s)");
				}));
	}

	static String marker(JobId jobId) {
		return "<!-- colony-job:" + jobId + " -->";
	}

	// ---- credentials and outcomes -----------------------------------------------------------------------

	private Mono<HeldCredential> credential(TaskAssigned task, String scope, String why) {
		return credentials.acquire(new CredentialNeed(task.tenant(), task.jobId(), task.taskId(), RESOURCE,
				List.of(scope), properties.credentialTtl(), "pr-review: " + why))
			// the GitHub call that follows starts off the credential service's connection thread (see GitHubApi)
			.publishOn(Schedulers.parallel());
	}

	/** The point-of-use check runs as each request is about to go. */
	private Supplier<String> token(HeldCredential held) {
		return () -> credentials.beforeUse(held, HANDLER);
	}

	private static LoopOutcome answered(String output) {
		return new LoopOutcome.Answered(output, Usage.NONE, List.of());
	}

	private static LoopOutcome.Stopped stopped(String reason, boolean retryable) {
		return new LoopOutcome.Stopped(reason, retryable, Usage.NONE, List.of());
	}

	private LoopOutcome stopped(TaskAssigned task, Throwable error) {
		return switch (error) {
			case GitHubFailure failure -> stopped(failure.getMessage(), failure.retryable());
			case ReviewRequest.Invalid invalid -> stopped(invalid.getMessage(), false);
			case CredentialServiceUnavailable unavailable -> stopped("credential: " + unavailable.getMessage(), true);
			case CredentialFailure failure -> stopped("credential: " + failure.getMessage(), false);
			case TimeoutException timeout -> stopped("the review did not finish within its time limit", true);
			default -> {
				log.warn("review task {} of job {} failed", task.taskId(), task.jobId(), error);
				yield stopped("the review failed (" + error.getClass().getSimpleName() + ")", true);
			}
		};
	}

	private static String cut(String text, int max) {
		return text.length() <= max ? text : text.substring(0, max - 2) + " …";
	}
}
