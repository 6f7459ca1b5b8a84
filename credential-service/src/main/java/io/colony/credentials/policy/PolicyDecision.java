package io.colony.credentials.policy;

import java.util.List;

/** What the policy says about a whole request: grant it now, ask a person, or refuse it. */
public sealed interface PolicyDecision {

	/** Every scope token may be granted without a person. */
	record AutoGrant(PolicyLimits limits) implements PolicyDecision {
	}

	/**
	 * No token is denied and at least one needs a person's approval.
	 *
	 * @param elevated the tokens that need it, for the approver's attention
	 */
	record NeedsApproval(PolicyLimits limits, List<String> elevated) implements PolicyDecision {
	}

	/** At least one token is denied (by a rule, or because no rule matches it). */
	record Deny(String reason) implements PolicyDecision {
	}
}
