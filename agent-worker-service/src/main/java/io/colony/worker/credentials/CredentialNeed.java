package io.colony.worker.credentials;

import io.colony.contracts.JobId;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a tool needs a credential for, on behalf of one task: the content of a credential request but for the ids,
 * nonce and signature the worker adds. One task's repeated needs for the same resource and scope share a lease.
 *
 * @param resource the token's audience, e.g. {@code inventory}
 * @param scope scope tokens, e.g. {@code inventory:write}
 * @param ttl the lifetime asked for; policy and the approver may shorten it
 * @param justification why, in the agent's words, for the person who approves it
 */
public record CredentialNeed(TenantId tenant, JobId jobId, TaskId taskId, String resource, List<String> scope,
		Duration ttl, String justification) {

	public CredentialNeed {
		Objects.requireNonNull(tenant, "tenant");
		Objects.requireNonNull(taskId, "taskId");
		Objects.requireNonNull(resource, "resource");
		Objects.requireNonNull(ttl, "ttl");
		scope = List.copyOf(scope);
	}

	/** What the credential cache is keyed by: a lease serves one task, for one resource and scope. */
	Key key() {
		return new Key(taskId, resource, scope);
	}

	record Key(TaskId taskId, String resource, List<String> scope) {
	}
}
