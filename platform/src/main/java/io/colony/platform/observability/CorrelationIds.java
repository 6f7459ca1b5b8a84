package io.colony.platform.observability;

import io.colony.contracts.AgentId;
import io.colony.contracts.CancelJob;
import io.colony.contracts.ColonyCommand;
import io.colony.contracts.CredentialApprovalRequested;
import io.colony.contracts.CredentialRequestDecided;
import io.colony.contracts.CredentialRevoked;
import io.colony.contracts.CredentialUsed;
import io.colony.contracts.JobEvent;
import io.colony.contracts.JobId;
import io.colony.contracts.SubmitJob;
import io.colony.contracts.TaskAssigned;
import io.colony.contracts.TaskCompleted;
import io.colony.contracts.TaskFailed;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import org.slf4j.MDC;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ids that tie a log line or a span to the work it belongs to: job, task, tenant and agent (an agent type
 * on tasks, an agent id on results and credential events). They go into the MDC while a message is handled
 * (so that every log line carries them) and onto the span that handles it, as {@code colony.*} tags.
 *
 * <p>Never a secret: only ids. Never a metric label either: job and task ids are unbounded.
 */
public record CorrelationIds(String job, String task, String tenant, String agent) {

	public static final String MDC_JOB = "jobId";

	public static final String MDC_TASK = "taskId";

	public static final String MDC_TENANT = "tenant";

	public static final String MDC_AGENT = "agent";

	/** Every MDC key set here, for context propagation across asynchronous hops. */
	public static final List<String> MDC_KEYS = List.of(MDC_JOB, MDC_TASK, MDC_TENANT, MDC_AGENT);

	public static final String TAG_JOB = "colony.job";

	public static final String TAG_TASK = "colony.task";

	public static final String TAG_TENANT = "colony.tenant";

	public static final String TAG_AGENT = "colony.agent";

	public static final CorrelationIds NONE = new CorrelationIds(null, null, null, null);

	/**
	 * The ids a message carries, with {@code headerTenant} (the message's tenant header) when its payload names
	 * none. Payloads of other types (registry heartbeats, unknown newer messages) carry none.
	 */
	public static CorrelationIds of(Object payload, TenantId headerTenant) {
		CorrelationIds ids = switch (payload) {
			case TaskAssigned task -> new CorrelationIds(text(task.jobId()), text(task.taskId()), text(task.tenant()),
					task.agentType());
			case TaskCompleted result -> new CorrelationIds(text(result.jobId()), text(result.taskId()),
					text(result.tenant()), text(result.agentId()));
			case TaskFailed result -> new CorrelationIds(text(result.jobId()), text(result.taskId()),
					text(result.tenant()), text(result.agentId()));
			case JobEvent event -> new CorrelationIds(text(event.jobId()), null, text(event.tenant()), null);
			case SubmitJob submit -> new CorrelationIds(text(submit.jobId()), null, text(submit.tenant()), null);
			case CancelJob cancel -> new CorrelationIds(text(cancel.jobId()), null, text(cancel.tenant()), null);
			case ColonyCommand command -> new CorrelationIds(null, null, text(command.tenant()), null);
			case CredentialApprovalRequested requested -> new CorrelationIds(text(requested.jobId()),
					text(requested.taskId()), text(requested.tenant()), text(requested.agentId()));
			case CredentialRequestDecided decided -> new CorrelationIds(null, null, text(decided.tenant()),
					text(decided.agentId()));
			case CredentialRevoked revoked -> new CorrelationIds(null, null, text(revoked.tenant()),
					text(revoked.agentId()));
			case CredentialUsed used -> new CorrelationIds(null, text(used.taskId()), text(used.tenant()),
					text(used.agentId()));
			case null, default -> NONE;
		};
		return ids.tenant == null && headerTenant != null
				? new CorrelationIds(ids.job, ids.task, headerTenant.value(), ids.agent) : ids;
	}

	/** The span tags ({@code colony.job}, …) of the ids that are known. */
	public Map<String, String> tags() {
		Map<String, String> tags = new LinkedHashMap<>();
		putIfKnown(tags, TAG_JOB, job);
		putIfKnown(tags, TAG_TASK, task);
		putIfKnown(tags, TAG_TENANT, tenant);
		putIfKnown(tags, TAG_AGENT, agent);
		return tags;
	}

	/**
	 * Puts the known ids into the MDC until the returned scope is closed, which puts back what was there before
	 * (nothing, on a consumer thread), so that no id outlives the message it belongs to on a pooled thread.
	 */
	public MdcScope inMdc() {
		Map<String, String> previous = new LinkedHashMap<>();
		for (String key : MDC_KEYS) {
			previous.put(key, MDC.get(key));
		}
		putOrRemove(MDC_JOB, job);
		putOrRemove(MDC_TASK, task);
		putOrRemove(MDC_TENANT, tenant);
		putOrRemove(MDC_AGENT, agent);
		return () -> previous.forEach(CorrelationIds::putOrRemove);
	}

	/** An MDC scope: closing it cannot fail. */
	@FunctionalInterface
	public interface MdcScope extends AutoCloseable {

		@Override
		void close();
	}

	private static void putOrRemove(String key, String value) {
		if (value == null) {
			MDC.remove(key);
		}
		else {
			MDC.put(key, value);
		}
	}

	private static void putIfKnown(Map<String, String> tags, String key, String value) {
		if (value != null) {
			tags.put(key, value);
		}
	}

	private static String text(Object id) {
		if (id == null) {
			return null;
		}
		return switch (id) {
			case JobId jobId -> String.valueOf(jobId.value());
			case TaskId taskId -> String.valueOf(taskId.value());
			case TenantId tenantId -> tenantId.value();
			case AgentId agentId -> agentId.value();
			default -> id.toString();
		};
	}
}
