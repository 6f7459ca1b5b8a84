package io.colony.gateway.webhook;

import io.colony.contracts.CommandRejected;
import io.colony.contracts.CommandReply;
import io.colony.contracts.Destinations;
import io.colony.contracts.JobId;
import io.colony.contracts.JobInput;
import io.colony.contracts.JobSubmitted;
import io.colony.contracts.PlanLimits;
import io.colony.contracts.SubmitJob;
import io.colony.contracts.Supervisor;
import io.colony.contracts.TenantId;
import io.colony.gateway.problem.ProblemException;
import io.colony.gateway.problem.Problems;
import io.colony.platform.messaging.CommandClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * GitHub's webhook deliveries. A {@code pull_request} opened, synchronized or reopened on a configured repository
 * starts a review: a supervisor job of the {@code pr-review} agent type (see docs/github.md).
 *
 * <p>In order: the body is read up to {@code max-body-size} (413 past it, never buffering more); its
 * {@code X-Hub-Signature-256} is checked in constant time (401); then the event, the payload and the repository
 * (400 / 422). Nothing is sent for a refused delivery. A delivery id already accepted is a 200 {@code duplicate}.
 * The job id and idempotency key derive from the delivery id, so a redelivery that races past the Redis check is
 * answered by the orchestrator as {@code replayed} (the same job), also a 200 {@code duplicate}. The id is
 * remembered only once the orchestrator has said the job is stored; when it does not answer within
 * {@code accept-timeout} the delivery is a 503 with {@code Retry-After} and not remembered, so GitHub's
 * redelivery starts it.
 */
@RestController
class GitHubWebhookController {

	static final String PATH = "/webhooks/github";

	/** The orchestrator's plan limit for a review: one sub-task per file and specialist. */
	static final int MAX_PLAN = 50;

	static final String SUPERVISOR = "pr-review";

	static final Set<String> REVIEWED_ACTIONS = Set.of("opened", "synchronize", "reopened");

	private static final Logger log = LoggerFactory.getLogger(GitHubWebhookController.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final int MAX_DELIVERY_ID = 100;

	private final GitHubWebhookProperties properties;

	private final ObjectProvider<CommandClient> commands;

	private final Deliveries deliveries;

	private final SecretKeySpec key;

	GitHubWebhookController(GitHubWebhookProperties properties, ObjectProvider<CommandClient> commands,
			Deliveries deliveries) {
		this.properties = properties;
		this.commands = commands;
		this.deliveries = deliveries;
		this.key = properties.enabled()
				? new SecretKeySpec(properties.webhookSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256") : null;
	}

	/** What a delivery was, parsed from a verified body. */
	record PullRequestEvent(String action, String repository, int number, String title, String headSha,
			String baseSha, String htmlUrl) {
	}

	@PostMapping(PATH)
	Mono<ResponseEntity<Map<String, Object>>> receive(ServerWebExchange exchange) {
		if (!properties.enabled()) {
			throw new ProblemException(HttpStatus.NOT_FOUND, "not-found", "GitHub webhooks are not enabled here");
		}
		ServerHttpRequest request = exchange.getRequest();
		long maxBytes = properties.maxBodySize().toBytes();
		if (request.getHeaders().getContentLength() > maxBytes) {
			throw tooLarge(maxBytes);
		}
		HttpHeaders headers = request.getHeaders();
		String signature = headers.getFirst("X-Hub-Signature-256");
		String event = headers.getFirst("X-GitHub-Event");
		String deliveryId = headers.getFirst("X-GitHub-Delivery");
		return DataBufferUtils.join(request.getBody(), (int) maxBytes)
			.onErrorMap(DataBufferLimitException.class, ex -> tooLarge(maxBytes))
			.map(GitHubWebhookController::bytes)
			.defaultIfEmpty(new byte[0])
			.flatMap(body -> handle(body, signature, event, deliveryId));
	}

	private Mono<ResponseEntity<Map<String, Object>>> handle(byte[] body, String signature, String event,
			String deliveryId) {
		if (!signed(body, signature)) {
			throw new ProblemException(HttpStatus.UNAUTHORIZED, "invalid-signature",
					"X-Hub-Signature-256 is missing or does not match the body");
		}
		if ("ping".equals(event)) {
			return Mono.just(ResponseEntity.ok(Map.of("status", "pong")));
		}
		if (!"pull_request".equals(event)) {
			throw new ProblemException(HttpStatus.BAD_REQUEST, "unsupported-event",
					"X-GitHub-Event '" + (event == null ? "" : event.substring(0, Math.min(event.length(), 50)))
							+ "' is not handled here (only ping and pull_request)");
		}
		if (deliveryId == null || deliveryId.isBlank() || deliveryId.length() > MAX_DELIVERY_ID
				|| !deliveryId.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
			throw Problems.badRequest("invalid-delivery", "X-GitHub-Delivery",
					"X-GitHub-Delivery must be 1 to " + MAX_DELIVERY_ID + " printable ASCII characters");
		}
		PullRequestEvent pull = parse(body);
		if (!REVIEWED_ACTIONS.contains(pull.action())) {
			return Mono.just(ResponseEntity.accepted().body(Map.of("status", "ignored", "action", pull.action())));
		}
		GitHubWebhookProperties.Repository repository = properties.repository(pull.repository())
			.orElseThrow(() -> new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "repository-not-configured",
					"repository '" + pull.repository() + "' is not configured for reviews")
				.property("repository", pull.repository()));
		SubmitJob submit = submitJob(deliveryId, pull, repository, body);
		return deliveries.seen(deliveryId).flatMap(seen -> {
			if (seen) {
				return Mono.just(duplicate(submit.jobId()));
			}
			return send(submit).flatMap(reply -> switch (reply) {
				case JobSubmitted submitted -> {
					// The job is stored: remember the delivery, without making GitHub wait for Redis (the answer must
					// come within 1 s). A redelivery that overtakes the mark is answered by the orchestrator as a
					// replay of the same job id, so it is a duplicate either way.
					deliveries.accepted(deliveryId, submitted.jobId())
						.subscribe(null, error -> log.warn("GitHub delivery {} accepted as job {} but not remembered: {}",
								deliveryId, submitted.jobId(), error.toString()));
					yield Mono.just(submitted.replayed() ? duplicate(submitted.jobId())
							: ResponseEntity.accepted()
								.<Map<String, Object>>body(Map.of("status", "accepted", "jobId",
										submitted.jobId().toString())));
				}
				case CommandRejected rejected -> Mono.error(rejected(rejected));
				default -> Mono.error(new ProblemException(HttpStatus.BAD_GATEWAY, "unexpected-reply",
						"the orchestrator answered with " + reply.getClass().getSimpleName()));
			});
		});
	}

	/** The review job: the delivery determines its id, so a redelivery can only ever name the same job. */
	SubmitJob submitJob(String deliveryId, PullRequestEvent pull, GitHubWebhookProperties.Repository repository,
			byte[] body) {
		JobId jobId = new JobId(UUID.nameUUIDFromBytes(("github:" + deliveryId).getBytes(StandardCharsets.UTF_8)));
		ObjectNode input = JSON.createObjectNode();
		input.put("repository", pull.repository());
		input.put("number", pull.number());
		input.put("headSha", pull.headSha());
		input.put("baseSha", pull.baseSha());
		input.put("title", pull.title());
		input.put("htmlUrl", pull.htmlUrl());
		repository.specialists().forEach(input.putArray("specialists")::add);
		repository.paths().forEach(input.putArray("paths")::add);
		repository.excludePaths().forEach(input.putArray("excludePaths")::add);
		input.put("maxFiles", repository.maxFiles());
		Supervisor spec = new Supervisor(SUPERVISOR,
				"Review pull request " + pull.repository() + "#" + pull.number() + " at " + pull.headSha(),
				new JobInput("pr-" + pull.number(), JSON.writeValueAsString(input)), repository.specialists(),
				new PlanLimits(MAX_PLAN, 1), null, repository.priority(), null, null, null);
		return new SubmitJob(jobId, TenantId.of(repository.tenant()), "github:" + deliveryId, sha256(body), spec,
				Instant.now());
	}

	private Mono<CommandReply> send(SubmitJob submit) {
		return Mono.fromCallable(() -> commands.getObject().send(Destinations.JOB_SUBMIT, submit))
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap(Mono::fromFuture)
			.timeout(properties.acceptTimeout())
			.onErrorMap(error -> !(error instanceof ProblemException), error -> {
				log.warn("GitHub delivery for job {} not accepted: {}", submit.jobId(),
						error instanceof TimeoutException ? "no answer within " + properties.acceptTimeout()
								: error.toString());
				return new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "orchestrator-unavailable",
						"the review could not be started now; redeliver later")
					.header(HttpHeaders.RETRY_AFTER, Long.toString(properties.retryAfter().toSeconds()));
			});
	}

	private static ResponseEntity<Map<String, Object>> duplicate(JobId jobId) {
		return ResponseEntity.ok(Map.of("status", "duplicate", "jobId", jobId.toString()));
	}

	private static ProblemException rejected(CommandRejected rejected) {
		int status = rejected.status() >= 400 && rejected.status() <= 599 ? rejected.status() : 400;
		String problem = rejected.problem() == null || rejected.problem().isBlank() ? "rejected" : rejected.problem();
		return new ProblemException(HttpStatusCode.valueOf(status), problem,
				rejected.title() == null ? "Command rejected" : rejected.title(), rejected.detail());
	}

	/** HMAC-SHA256 of the raw body, compared in constant time ({@link MessageDigest#isEqual}). */
	boolean signed(byte[] body, String header) {
		if (header == null || !header.startsWith("sha256=")) {
			return false;
		}
		byte[] given;
		try {
			given = HexFormat.of().parseHex(header.substring("sha256=".length()).toLowerCase());
		}
		catch (IllegalArgumentException notHex) {
			return false;
		}
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(key);
			return MessageDigest.isEqual(mac.doFinal(body), given);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	static PullRequestEvent parse(byte[] body) {
		JsonNode payload;
		try {
			payload = JSON.readTree(body);
		}
		catch (JacksonException ex) {
			throw Problems.badRequest("malformed-json", "body", "the delivery is not valid JSON");
		}
		if (payload == null || !payload.isObject()) {
			throw Problems.badRequest("malformed-json", "body", "the delivery must be a JSON object");
		}
		String action = text(payload, "action");
		JsonNode pull = payload.path("pull_request");
		int number = payload.path("number").isIntegralNumber() ? payload.path("number").asInt()
				: pull.path("number").asInt(-1);
		if (number < 1) {
			throw Problems.badRequest("missing-field", "number", "the delivery lacks the pull request's number");
		}
		return new PullRequestEvent(action, text(payload.path("repository"), "full_name"), number,
				pull.path("title").asString(""), text(pull.path("head"), "sha"), text(pull.path("base"), "sha"),
				pull.path("html_url").asString(""));
	}

	private static String text(JsonNode node, String field) {
		JsonNode value = node.path(field);
		if (!value.isString() || value.asString().isBlank()) {
			throw Problems.badRequest("missing-field", field, "the delivery lacks '" + field + "'");
		}
		return value.asString();
	}

	private static ProblemException tooLarge(long maxBytes) {
		return Problems.payloadTooLarge("a webhook delivery may be at most " + maxBytes + " bytes");
	}

	private static byte[] bytes(DataBuffer buffer) {
		try {
			byte[] bytes = new byte[buffer.readableByteCount()];
			buffer.read(bytes);
			return bytes;
		}
		finally {
			DataBufferUtils.release(buffer);
		}
	}

	private static String sha256(byte[] body) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}
}
