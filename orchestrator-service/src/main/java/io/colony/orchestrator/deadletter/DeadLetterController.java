package io.colony.orchestrator.deadletter;

import io.colony.contracts.TenantId;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Internal API over the kept dead letters, for the gateway (no authentication: reachable only inside the mesh; the
 * gateway checks scope {@code deadletters:manage}). The tenant comes from {@code X-Colony-Tenant}, the person acting
 * from the optional {@code X-Colony-Actor}. Another tenant's dead letter, an unknown id and a malformed id all answer
 * the same {@code 404}.
 */
@RestController
@RequestMapping("/internal/v1/dead-letters")
class DeadLetterController {

	static final String TENANT_HEADER = "X-Colony-Tenant";

	static final String ACTOR_HEADER = "X-Colony-Actor";

	static final int MAX_LIMIT = 500;

	static final int MAX_DISCARD_REASON = 500;

	private static final int MAX_QUEUE = 255;

	private final DeadLetterStore store;

	private final DeadLetterReplays replays;

	DeadLetterController(DeadLetterStore store, DeadLetterReplays replays) {
		this.store = store;
		this.replays = replays;
	}

	/** Newest first. */
	@GetMapping
	Map<String, List<DeadLetter>> list(@RequestHeader(TENANT_HEADER) String tenant,
			@RequestParam(defaultValue = "open") String status, @RequestParam(required = false) String queue,
			@RequestParam(required = false) String jobId, @RequestParam(defaultValue = "100") String limit) {
		TenantId tenantId = tenant(tenant);
		DeadLetter.Status wanted = switch (status.toLowerCase(Locale.ROOT)) {
			case "open" -> DeadLetter.Status.OPEN;
			case "replayed" -> DeadLetter.Status.REPLAYED;
			case "discarded" -> DeadLetter.Status.DISCARDED;
			case "all" -> null;
			default -> throw new InvalidRequest("status must be one of open, replayed, discarded, all");
		};
		int max;
		try {
			max = Integer.parseInt(limit);
		}
		catch (NumberFormatException ex) {
			throw new InvalidRequest("limit must be a number from 1 to " + MAX_LIMIT);
		}
		if (max < 1 || max > MAX_LIMIT) {
			throw new InvalidRequest("limit must be a number from 1 to " + MAX_LIMIT);
		}
		return Map.of("items", store.list(new DeadLetterFilter(wanted, queue(queue), jobId(jobId), max), tenantId));
	}

	@GetMapping("/{id}")
	DeadLetter deadLetter(@PathVariable String id, @RequestHeader(TENANT_HEADER) String tenant) {
		TenantId tenantId = tenant(tenant);
		UUID uuid = id(id);
		return store.find(uuid, tenantId).orElseThrow(() -> new DeadLetterProblem.NotFound(uuid));
	}

	@PostMapping("/{id}/replay")
	DeadLetter replay(@PathVariable String id, @RequestHeader(TENANT_HEADER) String tenant,
			@RequestHeader(name = ACTOR_HEADER, required = false) String actor) {
		TenantId tenantId = tenant(tenant);
		UUID uuid = id(id);
		replays.replay(uuid, tenantId, actor(actor));
		return store.find(uuid, tenantId).orElseThrow(() -> new DeadLetterProblem.NotFound(uuid));
	}

	/** Body {@code {"queue"?, "jobId"?}} (or none): every open match of the tenant. */
	@PostMapping("/replay")
	DeadLetterReplays.ReplayAll replayAll(@RequestHeader(TENANT_HEADER) String tenant,
			@RequestHeader(name = ACTOR_HEADER, required = false) String actor,
			@RequestBody(required = false) Map<String, Object> body) {
		TenantId tenantId = tenant(tenant);
		Map<String, Object> request = body == null ? Map.of() : body;
		onlyFields(request, Set.of("queue", "jobId"));
		String queue = queue(optionalText(request, "queue"));
		UUID jobId = jobId(optionalText(request, "jobId"));
		return replays.replayAll(queue, jobId, tenantId, actor(actor));
	}

	/** Body {@code {"reason"}}: required, at most 500 characters. */
	@PostMapping("/{id}/discard")
	DeadLetter discard(@PathVariable String id, @RequestHeader(TENANT_HEADER) String tenant,
			@RequestHeader(name = ACTOR_HEADER, required = false) String actor,
			@RequestBody(required = false) Map<String, Object> body) {
		TenantId tenantId = tenant(tenant);
		UUID uuid = id(id);
		Map<String, Object> request = body == null ? Map.of() : body;
		onlyFields(request, Set.of("reason"));
		String reason = optionalText(request, "reason");
		if (reason == null || reason.isBlank()) {
			throw new InvalidRequest("reason is required: say why this dead letter is discarded");
		}
		if (reason.length() > MAX_DISCARD_REASON) {
			throw new InvalidRequest("reason must be at most " + MAX_DISCARD_REASON + " characters");
		}
		replays.discard(uuid, tenantId, reason.strip(), actor(actor));
		return store.find(uuid, tenantId).orElseThrow(() -> new DeadLetterProblem.NotFound(uuid));
	}

	@ExceptionHandler(InvalidRequest.class)
	ResponseEntity<ProblemDetail> invalid(InvalidRequest ex) {
		return problem(HttpStatus.BAD_REQUEST, ex.slug, "Invalid dead-letter request", ex.getMessage());
	}

	@ExceptionHandler(DeadLetterProblem.class)
	ResponseEntity<ProblemDetail> deadLetterProblem(DeadLetterProblem ex) {
		return switch (ex) {
			case DeadLetterProblem.NotFound notFound ->
				problem(HttpStatus.NOT_FOUND, "dead-letter-not-found", "Dead letter not found", notFound.getMessage());
			case DeadLetterProblem.NotOpen notOpen ->
				problem(HttpStatus.CONFLICT, "dead-letter-not-open", "Dead letter already resolved", notOpen.getMessage());
			case DeadLetterProblem.TooLarge tooLarge ->
				problem(HttpStatus.CONFLICT, "dead-letter-too-large", "Dead letter cannot be replayed",
						tooLarge.getMessage());
			case DeadLetterProblem.ReplayFailed failed ->
				problem(HttpStatus.SERVICE_UNAVAILABLE, "dead-letter-replay-failed", "Replay failed", failed.getMessage());
		};
	}

	private static TenantId tenant(String tenant) {
		try {
			return TenantId.of(tenant);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidRequest("invalid-tenant", ex.getMessage());
		}
	}

	/** A malformed id cannot name anything: the same 404 as an unknown one. */
	private static UUID id(String id) {
		try {
			return UUID.fromString(id);
		}
		catch (IllegalArgumentException ex) {
			throw new DeadLetterProblem.NotFound(id);
		}
	}

	private static String queue(String queue) {
		if (queue == null || queue.isEmpty()) {
			return null;
		}
		if (queue.isBlank() || queue.length() > MAX_QUEUE) {
			throw new InvalidRequest("queue must be a queue name of 1 to " + MAX_QUEUE + " characters");
		}
		return queue;
	}

	private static UUID jobId(String jobId) {
		if (jobId == null || jobId.isEmpty()) {
			return null;
		}
		try {
			return UUID.fromString(jobId);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidRequest("jobId must be a UUID, not '" + jobId + "'");
		}
	}

	private static String actor(String actor) {
		return actor == null || actor.isBlank() ? "unknown" : actor.strip();
	}

	private static void onlyFields(Map<String, Object> request, Set<String> allowed) {
		for (String field : request.keySet()) {
			if (!allowed.contains(field)) {
				throw new InvalidRequest("unknown field '" + field + "'; allowed: " + allowed);
			}
		}
	}

	private static String optionalText(Map<String, Object> request, String field) {
		Object value = request.get(field);
		if (value == null) {
			return null;
		}
		if (value instanceof String text) {
			return text;
		}
		throw new InvalidRequest(field + " must be a string");
	}

	private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String slug, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create("urn:colony:problem:" + slug));
		problem.setTitle(title);
		return ResponseEntity.status(status).body(problem);
	}

	static final class InvalidRequest extends RuntimeException {

		private final String slug;

		InvalidRequest(String message) {
			this("invalid-dead-letter-request", message);
		}

		InvalidRequest(String slug, String message) {
			super(message);
			this.slug = slug;
		}
	}
}
