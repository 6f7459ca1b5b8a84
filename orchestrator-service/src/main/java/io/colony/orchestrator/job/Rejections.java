package io.colony.orchestrator.job;

import io.colony.contracts.CommandRejected;
import io.colony.contracts.TenantId;

/** The rejections the orchestrator answers commands with; the gateway turns them into problem documents. */
final class Rejections {

	private Rejections() {
	}

	static CommandRejected invalidJob(String detail) {
		return new CommandRejected("invalid-job", 400, "Invalid job", detail);
	}

	static CommandRejected unknownCommand(String type) {
		return new CommandRejected("unknown-command", 400, "Unknown command",
				"this orchestrator does not know the command type '" + type + "'");
	}

	static CommandRejected idempotencyKeyReuse(String key) {
		return new CommandRejected("idempotency-key-reuse", 422, "Idempotency key reused",
				"the Idempotency-Key '" + key + "' was already used with a different request body");
	}

	static CommandRejected noLiveAgent(String agentType) {
		return new CommandRejected("no-live-agent", 422, "No live agent",
				"no live agent serves agent type '" + agentType + "'");
	}

	static CommandRejected budgetExceeded(String detail) {
		return new CommandRejected("budget-exceeded", 422, "Budget exceeded", detail);
	}

	static CommandRejected tenantBudgetExceeded(String detail) {
		return new CommandRejected("tenant-budget-exceeded", 422, "Tenant budget exceeded", detail);
	}

	/** A 429: the gateway adds {@code Retry-After}, since when one of the tenant's jobs ends is not known here. */
	static CommandRejected tooManyActiveJobs(TenantId tenant, long active, int limit) {
		return new CommandRejected("too-many-active-jobs", 429, "Too many active jobs",
				"tenant '" + tenant + "' has " + active + " jobs accepted or running, its limit is " + limit
						+ "; submit again once one of them has ended");
	}

	static CommandRejected invalidCapability(String agentType, String capability) {
		return new CommandRejected("invalid-capability", 422, "Invalid capability",
				"agent type '" + agentType + "' maps to capability '" + capability
						+ "', which is not a valid queue name (lower-case letters, digits and dashes, 1-64 characters)");
	}

	static CommandRejected jobIdConflict(Object jobId) {
		return new CommandRejected("job-id-conflict", 409, "Job id in use",
				"job id " + jobId + " is already taken");
	}

	static CommandRejected jobNotFound(Object jobId) {
		return new CommandRejected("job-not-found", 404, "Job not found", "no job " + jobId);
	}

	static CommandRejected jobAlreadyFinished(Object jobId, Object status) {
		return new CommandRejected("job-already-finished", 409, "Job already finished",
				"job " + jobId + " already finished as " + status);
	}
}
