package io.colony.gateway.fleet;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.colony.contracts.AgentId;
import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.JobId;
import io.colony.contracts.TenantId;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What {@code GET /api/v1/fleet} answers: one look at the whole mesh for an operator. Each section comes from its
 * own source and carries its own {@link Availability} (with a {@code reason} unless available), so one failing
 * source never hides the others. Members without a value are left out of the JSON.
 *
 * @param observedAt when the gateway started asking the sources
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FleetSnapshot(Instant observedAt, Queues queues, Workers workers, Jobs jobs, Approvals approvals) {

	/**
	 * The mesh's work queues ({@code agent.*} and the services' queues) and their dead-letter queues, from RabbitMQ's
	 * management API. Its figures lag the broker by up to its statistics interval (5 s by default).
	 *
	 * @param vhost the virtual host the gateway uses
	 * @param deadLetters messages in all the {@code .dlq} queues together
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Queues(Availability status, String reason, String vhost, List<QueueDepth> queues, Long deadLetters) {

		static Queues of(String vhost, List<QueueDepth> queues) {
			long deadLetters = queues.stream().filter(QueueDepth::deadLetter).mapToLong(QueueDepth::ready).sum();
			return new Queues(Availability.AVAILABLE, null, vhost, List.copyOf(queues), deadLetters);
		}

		static Queues unavailable(String reason) {
			return new Queues(Availability.UNAVAILABLE, reason, null, null, null);
		}
	}

	/**
	 * @param kind {@code agent} (a capability's queue) or {@code service} (a service's work queue)
	 * @param deadLetter whether this is a {@code .dlq}
	 * @param ready messages waiting for a consumer
	 * @param unacked messages delivered and not yet acknowledged (tasks in flight, for an agent queue)
	 */
	public record QueueDepth(String name, String kind, boolean deadLetter, long ready, long unacked, long consumers) {
	}

	/**
	 * The live agents the registry lists.
	 *
	 * @param capacity the sum of their capacities
	 * @param inFlight the sum of the tasks they hold
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Workers(Availability status, String reason, List<Worker> workers, Long capacity, Long inFlight) {

		static Workers of(List<Worker> workers) {
			return new Workers(Availability.AVAILABLE, null, List.copyOf(workers),
					workers.stream().mapToLong(Worker::capacity).sum(), workers.stream().mapToLong(Worker::inFlight).sum());
		}

		static Workers unavailable(String reason) {
			return new Workers(Availability.UNAVAILABLE, reason, null, null, null);
		}
	}

	/** One worker as its last heartbeat told the registry. */
	public record Worker(AgentId agentId, String instance, List<String> agentTypes, List<String> capabilities,
			int capacity, int inFlight, Instant lastSeen) {
	}

	/**
	 * Jobs by status, from the orchestrator's {@code colony.jobs.active} gauge; {@link Availability#UNKNOWN} when the
	 * orchestrator does not export it.
	 *
	 * @param byStatus count per job status, in the order of {@code JobStatus}
	 * @param stalled running jobs without task progress lately ({@code colony.jobs.stalled}), when exported
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Jobs(Availability status, String reason, Map<String, Long> byStatus, Long stalled) {

		static Jobs unavailable(String reason) {
			return new Jobs(Availability.UNAVAILABLE, reason, null, null);
		}

		static Jobs unknown(String reason) {
			return new Jobs(Availability.UNKNOWN, reason, null, null);
		}
	}

	/**
	 * The caller tenant's credential requests waiting for a person; shown only to a token with
	 * {@code credentials:approve}, the scope the credential service asks for.
	 *
	 * @param pending how many are waiting (at most {@link PendingApprovals#LIMIT}; see {@code more})
	 * @param more whether there are more than {@code pending}
	 * @param oldest the longest-waiting few, oldest first
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Approvals(Availability status, String reason, TenantId tenant, Integer pending, Boolean more,
			List<PendingApproval> oldest) {

		static Approvals unavailable(String reason) {
			return new Approvals(Availability.UNAVAILABLE, reason, null, null, null, null);
		}

		static Approvals omitted(String reason) {
			return new Approvals(Availability.OMITTED, reason, null, null, null, null);
		}
	}

	/** A credential request waiting for a decision (nothing secret: the credential service never lists tokens). */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record PendingApproval(CredentialRequestId requestId, AgentId agentId, JobId jobId, String resource,
			List<String> scope, Instant requestedAt, Instant timesOutAt) {

		public PendingApproval {
			scope = scope == null ? List.of() : List.copyOf(scope);
		}
	}
}
