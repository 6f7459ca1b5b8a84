package io.colony.gateway.job;

import io.colony.contracts.CancelJob;
import io.colony.contracts.CommandRejected;
import io.colony.contracts.Destinations;
import io.colony.contracts.JobCancellationAccepted;
import io.colony.contracts.JobId;
import io.colony.contracts.JobResult;
import io.colony.contracts.JobSpec;
import io.colony.contracts.JobStatus;
import io.colony.contracts.JobSubmitted;
import io.colony.contracts.JobView;
import io.colony.contracts.MissingTask;
import io.colony.contracts.ScatterGather;
import io.colony.contracts.SubmitJob;
import io.colony.contracts.TaskCounts;
import io.colony.contracts.TenantId;
import io.colony.contracts.Usage;
import io.colony.gateway.problem.ProblemException;
import io.colony.gateway.problem.Problems;
import io.colony.gateway.security.Tenants;
import io.colony.gateway.upstream.Upstream;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * The public job API. A submission is read and validated completely before anything is sent, so invalid
 * input never reaches the broker; commands go to the orchestrator over RabbitMQ, queries over HTTP.
 */
@RestController
@RequestMapping("/api/v1/jobs")
class JobsController {

	static final String IDEMPOTENCY_KEY = "Idempotency-Key";

	static final int MAX_IDEMPOTENCY_KEY_LENGTH = 200;

	static final int MAX_PAGE_SIZE = 1000;

	private final JobRequestParser parser;

	private final long maxBodyBytes;

	private final JobCommands commands;

	private final OrchestratorJobs jobs;

	private final Upstream aggregator;

	JobsController(JobApiProperties properties, JobCommands commands, OrchestratorJobs jobs,
			@Qualifier("aggregatorUpstream") Upstream aggregator) {
		this.parser = new JobRequestParser(properties.maxInputs());
		this.maxBodyBytes = properties.maxBodySize().toBytes();
		this.commands = commands;
		this.jobs = jobs;
		this.aggregator = aggregator;
	}

	record JobAcceptance(JobId jobId, JobStatus status, JobLinks links) {
	}

	/**
	 * @param pattern the job's pattern as the orchestrator reports it; {@code scatter-gather} from an orchestrator
	 * that reports none (it predates the other patterns)
	 * @param missing the tasks of a job that ended without their output, and why; empty otherwise
	 */
	record JobResource(JobId jobId, JobStatus status, String pattern, String agent, TaskCounts tasks, Usage usage,
			JobResult result, List<MissingTask> missing, Instant acceptedAt, Instant deadline, Instant completedAt,
			JobLinks links) {

		static JobResource of(JobView view) {
			String pattern = view.pattern() == null ? ScatterGather.PATTERN : view.pattern();
			return new JobResource(view.jobId(), view.status(), pattern, view.agent(), view.tasks(),
					view.usage(), view.result(), view.missing(), view.acceptedAt(), view.deadline(),
					view.completedAt(), JobLinks.of(view.jobId()));
		}
	}

	record Cancellation(JobId jobId, JobStatus status) {
	}

	private record Submission(JobSpec spec, String digest) {
	}

	@PostMapping
	Mono<ResponseEntity<JobAcceptance>> submit(ServerWebExchange exchange, @AuthenticationPrincipal Jwt jwt,
			@RequestHeader(name = IDEMPOTENCY_KEY, required = false) String idempotencyKey) {
		TenantId tenant = Tenants.of(jwt);
		ServerHttpRequest request = exchange.getRequest();
		requireJson(request);
		String key = idempotencyKey(idempotencyKey);
		long declaredLength = request.getHeaders().getContentLength();
		if (declaredLength > maxBodyBytes) {
			throw tooLarge();
		}
		return DataBufferUtils.join(request.getBody(), (int) maxBodyBytes)
			.onErrorMap(org.springframework.core.io.buffer.DataBufferLimitException.class, ex -> tooLarge())
			.map(JobsController::bytes)
			.defaultIfEmpty(new byte[0])
			.publishOn(Schedulers.boundedElastic())
			.map(body -> new Submission(parser.parse(body), sha256(body)))
			.flatMap(submission -> commands.send(Destinations.JOB_SUBMIT, new SubmitJob(JobId.random(), tenant, key,
					submission.digest(), submission.spec(), Instant.now())))
			.map(reply -> switch (reply) {
				case JobSubmitted submitted -> ResponseEntity.accepted()
					.location(URI.create(JobLinks.of(submitted.jobId()).self()))
					.body(new JobAcceptance(submitted.jobId(), submitted.status(), JobLinks.of(submitted.jobId())));
				case CommandRejected rejected -> throw commands.rejected(rejected, tenant);
				default -> throw JobCommands.unexpected(reply);
			});
	}

	@GetMapping("/{jobId}")
	Mono<JobResource> job(@PathVariable String jobId, @AuthenticationPrincipal Jwt jwt) {
		return jobs.find(JobNotFound.parse(jobId), Tenants.of(jwt)).map(JobResource::of);
	}

	@GetMapping("/{jobId}/results")
	Mono<ResponseEntity<Flux<DataBuffer>>> results(@PathVariable String jobId, @AuthenticationPrincipal Jwt jwt,
			@RequestParam(required = false) String page, @RequestParam(required = false) String size) {
		JobId id = JobNotFound.parse(jobId);
		TenantId tenant = Tenants.of(jwt);
		int pageNumber = integer("page", page, 0, 0, Integer.MAX_VALUE);
		int pageSize = integer("size", size, 100, 1, MAX_PAGE_SIZE);
		return jobs.find(id, tenant)
			.flatMap(view -> aggregator.passThrough(aggregator.client()
				.get()
				.uri(uri -> uri.path("/internal/v1/jobs/{jobId}/results")
					.queryParam("page", pageNumber)
					.queryParam("size", pageSize)
					.build(id.toString()))
				.header(Upstream.TENANT_HEADER, tenant.value())
				.accept(MediaType.APPLICATION_JSON)));
	}

	@DeleteMapping("/{jobId}")
	Mono<ResponseEntity<Cancellation>> cancel(@PathVariable String jobId, @AuthenticationPrincipal Jwt jwt) {
		JobId id = JobNotFound.parse(jobId);
		TenantId tenant = Tenants.of(jwt);
		return commands.send(Destinations.JOB_CANCEL, new CancelJob(id, tenant, "cancelled by the client"))
			.map(reply -> switch (reply) {
				case JobCancellationAccepted accepted -> ResponseEntity.accepted()
					.body(new Cancellation(accepted.jobId(), accepted.status()));
				case CommandRejected rejected -> throw commands.rejected(rejected, tenant);
				default -> throw JobCommands.unexpected(reply);
			});
	}

	private static void requireJson(ServerHttpRequest request) {
		MediaType contentType;
		try {
			contentType = request.getHeaders().getContentType();
		}
		catch (InvalidMediaTypeException ex) {
			contentType = null;
		}
		boolean json = contentType != null && (MediaType.APPLICATION_JSON.isCompatibleWith(contentType)
				|| "application".equals(contentType.getType()) && contentType.getSubtype().endsWith("+json"));
		if (!json) {
			throw new ProblemException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
					"a job must be sent as application/json, not "
							+ (contentType == null ? "without a valid Content-Type" : contentType.toString()))
				.header("Accept-Post", MediaType.APPLICATION_JSON_VALUE);
		}
	}

	private static String idempotencyKey(String key) {
		if (key == null) {
			return null;
		}
		if (key.isBlank() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH || !key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
			throw Problems.badRequest("invalid-idempotency-key", IDEMPOTENCY_KEY,
					"Idempotency-Key must be 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH
							+ " printable ASCII characters and not blank");
		}
		return key;
	}

	private static int integer(String name, String text, int fallback, int min, int max) {
		if (text == null) {
			return fallback;
		}
		try {
			int value = Integer.parseInt(text);
			if (value >= min && value <= max) {
				return value;
			}
		}
		catch (NumberFormatException ex) {
			// answered below
		}
		throw Problems.badRequest("invalid-query-parameter", name,
				name + " must be a whole number from " + min + " to " + max + " (was '" + text + "')");
	}

	private ProblemException tooLarge() {
		return Problems.payloadTooLarge("a job body may be at most " + maxBodyBytes + " bytes");
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

	static String sha256(byte[] body) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}
}
