package io.colony.gateway.job;

import io.colony.contracts.JobId;
import io.colony.contracts.JobView;
import io.colony.contracts.TenantId;
import io.colony.gateway.upstream.Upstream;
import io.colony.platform.messaging.MessageCodec;
import io.colony.platform.messaging.UndecodableMessage;
import io.colony.gateway.problem.ProblemException;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Job views from the orchestrator's internal API, scoped to one tenant. */
@Component
public class OrchestratorJobs {

	private final Upstream orchestrator;

	private final MessageCodec codec;

	OrchestratorJobs(@Qualifier("orchestratorUpstream") Upstream orchestrator, MessageCodec codec) {
		this.orchestrator = orchestrator;
		this.codec = codec;
	}

	/** @return the job, or an error {@link JobNotFound} when the tenant has no such job */
	public Mono<JobView> find(JobId jobId, TenantId tenant) {
		return orchestrator.client()
			.get()
			.uri("/internal/v1/jobs/{jobId}", jobId.toString())
			.header(Upstream.TENANT_HEADER, tenant.value())
			.retrieve()
			.onStatus(status -> status.value() == 404, response -> response.releaseBody()
				.then(Mono.<Throwable>fromSupplier(() -> new JobNotFound(jobId))))
			.onStatus(status -> status.isError(), orchestrator::failure)
			.bodyToMono(byte[].class)
			.switchIfEmpty(Mono.error(() -> badView("an empty body")))
			.map(body -> decode(body, jobId))
			.onErrorMap(orchestrator::unavailable);
	}

	private JobView decode(byte[] body, JobId jobId) {
		try {
			JobView view = codec.decode(body, JobView.class);
			if (view.jobId() == null || !view.jobId().equals(jobId) || view.status() == null) {
				throw badView("a view of another or no job");
			}
			return view;
		}
		catch (UndecodableMessage ex) {
			throw badView("a body that is not a job view");
		}
	}

	private static ProblemException badView(String what) {
		return new ProblemException(HttpStatus.BAD_GATEWAY, "upstream-failed", "the orchestrator answered with " + what);
	}
}
