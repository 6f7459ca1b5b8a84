package io.colony.credentials.policy;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.List;

/**
 * The credential policy: ordered rules, the first whose {@code scope} pattern matches a requested scope token
 * decides that token. A token no rule matches is denied, so an empty list denies everything. The defaults
 * ({@code *:read} granted at once, {@code *:write} after a person approves, anything else denied) are in
 * {@code application.yml}.
 */
@ConfigurationProperties("colony.credentials.policy")
public record PolicyProperties(List<Rule> rules) {

	public PolicyProperties {
		rules = rules == null ? List.of() : List.copyOf(rules);
		for (int i = 0; i < rules.size(); i++) {
			rules.get(i).check("colony.credentials.policy.rules[" + i + "]");
		}
	}

	/**
	 * @param scope a pattern where {@code *} matches any run of characters: {@code *:read}, {@code billing:*}
	 * @param maxTtl the longest a token for a matching scope lives before it must be renewed (not needed to deny)
	 * @param maxLifetime the longest a lease for a matching scope lasts, renewals included (not needed to deny)
	 */
	public record Rule(String scope, Decision decision, Duration maxTtl, Duration maxLifetime) {

		void check(String name) {
			ScopeGlob.of(scope);
			if (decision == null) {
				throw new IllegalArgumentException(name + ".decision must be auto, approve or deny");
			}
			if (decision != Decision.DENY) {
				// tokens carry whole seconds (a JWT's exp), so shorter limits could not be honoured
				if (maxTtl == null || maxTtl.compareTo(Duration.ofSeconds(1)) < 0) {
					throw new IllegalArgumentException(name + ".max-ttl must be at least PT1S, was " + maxTtl);
				}
				if (maxLifetime == null || maxLifetime.compareTo(Duration.ofSeconds(1)) < 0) {
					throw new IllegalArgumentException(name + ".max-lifetime must be at least PT1S, was " + maxLifetime);
				}
			}
		}
	}

	public enum Decision {
		/** Granted at once, without asking anybody. */
		AUTO,
		/** Granted only after a person with {@code credentials:approve} approves. */
		APPROVE,
		/** Never granted. */
		DENY
	}
}
