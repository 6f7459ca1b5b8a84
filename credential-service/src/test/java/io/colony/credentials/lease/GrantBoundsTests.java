package io.colony.credentials.lease;

import io.colony.credentials.policy.CredentialPolicy;
import io.colony.credentials.policy.PolicyDecision;
import io.colony.credentials.policy.PolicyLimits;
import io.colony.credentials.policy.PolicyProperties;
import io.colony.credentials.policy.PolicyProperties.Decision;
import io.colony.credentials.policy.PolicyProperties.Rule;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A property test over random policies, requests, approvals and renewals (seeded, so that a failure replays): what
 * is issued never exceeds what was approved, what was approved never exceeds what policy allows, and policy never
 * allows more than was requested; token lifetimes stay within every bound that applies. The expected policy outcome
 * is worked out here independently of {@link CredentialPolicy}, from the rules' first matches.
 */
class GrantBoundsTests {

	private static final long SEED = 0x5EEDC0FFEEL;

	private static final int CASES = 20_000;

	private static final List<String> RESOURCES = List.of("inventory", "billing", "orders", "hr");

	private static final List<String> ACTIONS = List.of("read", "write", "delete", "admin");

	private static final List<String> PATTERNS = List.of("*:read", "*:write", "*", "billing:*", "inv*", "*:admin",
			"orders:read", "hr:*", "*e*", "inventory:delete");

	@Test
	void issuedWithinApprovedWithinPolicyWithinRequestedAndLifetimesWithinEveryBound() {
		Random random = new Random(SEED);
		int granted = 0;
		int denied = 0;
		for (int n = 0; n < CASES; n++) {
			List<Rule> rules = randomRules(random);
			List<String> requested = randomScope(random);
			Duration asked = Duration.ofSeconds(1 + random.nextInt(10_000));
			Instant now = Instant.parse("2026-03-01T00:00:00Z").plusMillis(random.nextInt(86_400_000));
			String description = "case " + n + ": rules " + rules + ", requested " + requested + ", asked " + asked;

			PolicyDecision decision = new CredentialPolicy(new PolicyProperties(rules)).evaluate(requested);

			List<Rule> matched = requested.stream().map(token -> firstMatch(rules, token)).toList();
			boolean anyDenied = matched.stream().anyMatch(rule -> rule == null || rule.decision() == Decision.DENY);
			boolean anyApproval = !anyDenied && matched.stream().anyMatch(rule -> rule.decision() == Decision.APPROVE);
			if (anyDenied) {
				assertThat(decision).as(description).isInstanceOf(PolicyDecision.Deny.class);
				denied++;
				continue;
			}
			assertThat(decision).as(description)
				.isInstanceOf(anyApproval ? PolicyDecision.NeedsApproval.class : PolicyDecision.AutoGrant.class);
			List<String> policyAllowed = requested.stream()
				.filter(token -> firstMatch(rules, token).decision() != Decision.DENY)
				.toList();
			PolicyLimits limits = decision instanceof PolicyDecision.AutoGrant auto ? auto.limits()
					: ((PolicyDecision.NeedsApproval) decision).limits();

			List<String> approved = anyApproval ? randomSubset(random, policyAllowed) : policyAllowed;
			Duration approverTtl = anyApproval && random.nextBoolean()
					? Duration.ofSeconds(1 + random.nextInt((int) limits.maxTtl().toSeconds())) : null;
			LeaseTerms terms = LeaseTerms.grant(approved, asked, approverTtl, limits, now);

			assertThat(terms.scope()).as(description).isSubsetOf(approved);
			assertThat(approved).as(description).isSubsetOf(policyAllowed);
			assertThat(policyAllowed).as(description).isSubsetOf(requested);
			assertThat(terms.ttl()).as(description).isLessThanOrEqualTo(asked).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
			if (approverTtl != null) {
				assertThat(terms.ttl()).as(description).isLessThanOrEqualTo(approverTtl);
			}
			Duration lifetime = Duration.between(terms.issuedAt(), terms.maxExpiresAt());
			for (Rule rule : matched) {
				assertThat(terms.ttl()).as(description + ", rule " + rule).isLessThanOrEqualTo(rule.maxTtl());
				assertThat(lifetime).as(description + ", rule " + rule).isLessThanOrEqualTo(rule.maxLifetime());
			}
			assertThat(terms.issuedAt()).as(description).isBeforeOrEqualTo(now).isAfter(now.minusSeconds(1));
			assertThat(terms.expiresAt()).as(description)
				.isAfter(terms.issuedAt())
				.isBeforeOrEqualTo(terms.maxExpiresAt())
				.isBeforeOrEqualTo(terms.issuedAt().plus(terms.ttl()));

			Instant expiresAt = terms.expiresAt();
			Instant at = terms.issuedAt();
			for (int renewal = 0; renewal < 5 && at.isBefore(expiresAt); renewal++) {
				at = at.plusMillis(random.nextLong(Duration.between(at, expiresAt).toMillis() + 1));
				Instant renewed = LeaseTerms.renewedExpiry(terms.ttl(), expiresAt, terms.maxExpiresAt(), at);
				assertThat(renewed).as(description + ", renewal at " + at)
					.isAfterOrEqualTo(expiresAt)
					.isBeforeOrEqualTo(terms.maxExpiresAt())
					.as("a renewal lasts at most ttl from when it is made, unless the token already lasted longer")
					.isBeforeOrEqualTo(later(expiresAt, at.plus(terms.ttl())));
				expiresAt = renewed;
			}
			granted++;
		}
		assertThat(granted).as("the generator must exercise grants").isGreaterThan(CASES / 10);
		assertThat(denied).as("the generator must exercise denials").isGreaterThan(CASES / 10);
	}

	private static Instant later(Instant a, Instant b) {
		return a.isAfter(b) ? a : b;
	}

	private static Rule firstMatch(List<Rule> rules, String token) {
		for (Rule rule : rules) {
			if (token.matches(rule.scope().replace(".", "\\.").replace("*", ".*"))) {
				return rule;
			}
		}
		return null;
	}

	private static List<Rule> randomRules(Random random) {
		List<Rule> rules = new ArrayList<>();
		int count = 1 + random.nextInt(5);
		for (int i = 0; i < count; i++) {
			Decision decision = Decision.values()[random.nextInt(3)];
			// seconds, so that ttls are honoured exactly (tokens carry whole seconds)
			Duration maxTtl = Duration.ofSeconds(1 + random.nextInt(3600));
			Duration maxLifetime = Duration.ofSeconds(1 + random.nextInt(7200));
			rules.add(new Rule(PATTERNS.get(random.nextInt(PATTERNS.size())), decision,
					decision == Decision.DENY && random.nextBoolean() ? null : maxTtl,
					decision == Decision.DENY && random.nextBoolean() ? null : maxLifetime));
		}
		return rules;
	}

	private static List<String> randomScope(Random random) {
		Set<String> scope = new LinkedHashSet<>();
		int count = 1 + random.nextInt(4);
		while (scope.size() < count) {
			scope.add(RESOURCES.get(random.nextInt(RESOURCES.size())) + ":" + ACTIONS.get(random.nextInt(ACTIONS.size())));
		}
		return List.copyOf(scope);
	}

	private static List<String> randomSubset(Random random, List<String> tokens) {
		List<String> subset = new ArrayList<>();
		for (String token : tokens) {
			if (random.nextBoolean()) {
				subset.add(token);
			}
		}
		return subset.isEmpty() ? List.of(tokens.get(random.nextInt(tokens.size()))) : subset;
	}
}
