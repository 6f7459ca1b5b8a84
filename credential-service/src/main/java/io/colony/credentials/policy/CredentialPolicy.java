package io.colony.credentials.policy;

import io.colony.credentials.policy.PolicyProperties.Decision;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies {@link PolicyProperties} to a requested scope. Each token gets the decision of the first rule whose
 * pattern matches it (none: deny). The request is denied if any token is, needs approval if any token does, and is
 * granted at once otherwise; its limits are the smallest of every matched rule's, so that narrowing the scope
 * later (an approver granting less) can only keep or shorten them. Pure and thread-safe.
 */
@Component
public class CredentialPolicy {

	private record CompiledRule(ScopeGlob glob, PolicyProperties.Rule rule) {
	}

	private final List<CompiledRule> rules;

	public CredentialPolicy(PolicyProperties properties) {
		this.rules = properties.rules().stream().map(rule -> new CompiledRule(ScopeGlob.of(rule.scope()), rule)).toList();
	}

	/** @param scope the requested tokens, already validated (non-empty, no blanks, no duplicates) */
	public PolicyDecision evaluate(List<String> scope) {
		Duration maxTtl = null;
		Duration maxLifetime = null;
		List<String> elevated = new ArrayList<>();
		for (String token : scope) {
			CompiledRule matched = firstMatch(token);
			if (matched == null) {
				return new PolicyDecision.Deny("no policy rule allows scope " + token);
			}
			PolicyProperties.Rule rule = matched.rule();
			if (rule.decision() == Decision.DENY) {
				return new PolicyDecision.Deny("policy denies scope " + token + " (rule " + matched.glob() + ")");
			}
			if (rule.decision() == Decision.APPROVE) {
				elevated.add(token);
			}
			maxTtl = maxTtl == null || rule.maxTtl().compareTo(maxTtl) < 0 ? rule.maxTtl() : maxTtl;
			maxLifetime = maxLifetime == null || rule.maxLifetime().compareTo(maxLifetime) < 0 ? rule.maxLifetime()
					: maxLifetime;
		}
		if (maxTtl == null) {
			return new PolicyDecision.Deny("no scope requested");
		}
		PolicyLimits limits = new PolicyLimits(maxTtl, maxLifetime);
		return elevated.isEmpty() ? new PolicyDecision.AutoGrant(limits)
				: new PolicyDecision.NeedsApproval(limits, List.copyOf(elevated));
	}

	private CompiledRule firstMatch(String token) {
		for (CompiledRule rule : rules) {
			if (rule.glob().matches(token)) {
				return rule;
			}
		}
		return null;
	}
}
