package io.colony.credentials.policy;

import io.colony.credentials.policy.PolicyProperties.Decision;
import io.colony.credentials.policy.PolicyProperties.Rule;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.io.ClassPathResource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CredentialPolicyTests {

	/** The defaults of application.yml. */
	static final CredentialPolicy DEFAULTS = new CredentialPolicy(new PolicyProperties(List.of(
			new Rule("*:read", Decision.AUTO, Duration.ofMinutes(15), Duration.ofHours(1)),
			new Rule("github:review", Decision.AUTO, Duration.ofMinutes(5), Duration.ofMinutes(15)),
			new Rule("*:write", Decision.APPROVE, Duration.ofMinutes(15), Duration.ofHours(1)))));

	@Test
	void readIsGrantedAtOnceWriteNeedsApprovalAnythingElseIsDenied() {
		assertThat(DEFAULTS.evaluate(List.of("inventory:read")))
			.isEqualTo(new PolicyDecision.AutoGrant(new PolicyLimits(Duration.ofMinutes(15), Duration.ofHours(1))));
		assertThat(DEFAULTS.evaluate(List.of("inventory:write")))
			.isEqualTo(new PolicyDecision.NeedsApproval(new PolicyLimits(Duration.ofMinutes(15), Duration.ofHours(1)),
					List.of("inventory:write")));
		assertThat(DEFAULTS.evaluate(List.of("inventory:delete")))
			.isEqualTo(new PolicyDecision.Deny("no policy rule allows scope inventory:delete"));
	}

	@Test
	void theShippedPolicyIsTheOneTheseTestsAssume() {
		PolicyProperties shipped = new Binder(new MapConfigurationPropertySource(yaml())).bind(
				"colony.credentials.policy", PolicyProperties.class).get();
		assertThat(shipped.rules()).containsExactlyElementsOf(new PolicyProperties(List.of(
				new Rule("*:read", Decision.AUTO, Duration.ofMinutes(15), Duration.ofHours(1)),
				new Rule("github:review", Decision.AUTO, Duration.ofMinutes(5), Duration.ofMinutes(15)),
				new Rule("*:write", Decision.APPROVE, Duration.ofMinutes(15), Duration.ofHours(1)))).rules());
	}

	@Test
	void gitHubReviewsArePostedWithoutAPersonOtherGitHubWritesAreNot() {
		assertThat(DEFAULTS.evaluate(List.of("github:review")))
			.isEqualTo(new PolicyDecision.AutoGrant(new PolicyLimits(Duration.ofMinutes(5), Duration.ofMinutes(15))));
		assertThat(DEFAULTS.evaluate(List.of("github:read")))
			.isEqualTo(new PolicyDecision.AutoGrant(new PolicyLimits(Duration.ofMinutes(15), Duration.ofHours(1))));
		assertThat(DEFAULTS.evaluate(List.of("github:write"))).isInstanceOf(PolicyDecision.NeedsApproval.class);
	}

	private static java.util.Map<Object, Object> yaml() {
		YamlPropertiesFactoryBean factory = new YamlPropertiesFactoryBean();
		factory.setResources(new ClassPathResource("application.yml"));
		return factory.getObject();
	}

	@Test
	void oneDeniedTokenDeniesTheRequestAndOneElevatedTokenNeedsApproval() {
		assertThat(DEFAULTS.evaluate(List.of("inventory:read", "inventory:admin")))
			.isInstanceOf(PolicyDecision.Deny.class);
		assertThat(DEFAULTS.evaluate(List.of("inventory:write", "inventory:admin")))
			.as("denial wins over approval")
			.isInstanceOf(PolicyDecision.Deny.class);
		PolicyDecision mixed = DEFAULTS.evaluate(List.of("inventory:read", "orders:write", "orders:read"));
		assertThat(mixed).isInstanceOf(PolicyDecision.NeedsApproval.class);
		assertThat(((PolicyDecision.NeedsApproval) mixed).elevated()).containsExactly("orders:write");
	}

	@Test
	void firstMatchingRuleDecidesEachToken() {
		CredentialPolicy policy = policy(new Rule("billing:*", Decision.DENY, null, null),
				new Rule("*:read", Decision.AUTO, Duration.ofMinutes(5), Duration.ofMinutes(30)),
				new Rule("*", Decision.APPROVE, Duration.ofMinutes(1), Duration.ofMinutes(10)));

		assertThat(policy.evaluate(List.of("billing:read"))).isEqualTo(
				new PolicyDecision.Deny("policy denies scope billing:read (rule billing:*)"));
		assertThat(policy.evaluate(List.of("orders:read"))).isInstanceOf(PolicyDecision.AutoGrant.class);
		assertThat(policy.evaluate(List.of("orders:delete"))).isInstanceOf(PolicyDecision.NeedsApproval.class);
	}

	@Test
	void limitsAreTheSmallestOfEveryMatchedRule() {
		CredentialPolicy policy = policy(new Rule("a:*", Decision.AUTO, Duration.ofMinutes(10), Duration.ofMinutes(20)),
				new Rule("b:*", Decision.AUTO, Duration.ofMinutes(30), Duration.ofMinutes(15)));

		assertThat(policy.evaluate(List.of("a:read", "b:read")))
			.isEqualTo(new PolicyDecision.AutoGrant(new PolicyLimits(Duration.ofMinutes(10), Duration.ofMinutes(15))));
	}

	@Test
	void patternsTreatOnlyTheStarAsSpecial() {
		CredentialPolicy policy = policy(new Rule("inv.ntory:re?d", Decision.AUTO, Duration.ofMinutes(1),
				Duration.ofMinutes(1)), new Rule("*-x", Decision.AUTO, Duration.ofMinutes(1), Duration.ofMinutes(1)));

		assertThat(policy.evaluate(List.of("inv.ntory:re?d"))).isInstanceOf(PolicyDecision.AutoGrant.class);
		assertThat(policy.evaluate(List.of("invXntory:re?d"))).as("'.' is literal").isInstanceOf(PolicyDecision.Deny.class);
		assertThat(policy.evaluate(List.of("inv.ntory:read"))).as("'?' is literal").isInstanceOf(PolicyDecision.Deny.class);
		assertThat(policy.evaluate(List.of("a:b-x"))).isInstanceOf(PolicyDecision.AutoGrant.class);
		assertThat(policy.evaluate(List.of("a:b-xy"))).as("anchored at both ends").isInstanceOf(PolicyDecision.Deny.class);
	}

	@Test
	void noRulesDenyEverything() {
		assertThat(new CredentialPolicy(new PolicyProperties(null)).evaluate(List.of("inventory:read")))
			.isInstanceOf(PolicyDecision.Deny.class);
	}

	@Test
	void grantingRulesNeedLimitsOfAtLeastASecondDenyingRulesDoNot() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new PolicyProperties(List.of(new Rule("*:write", Decision.APPROVE, null, Duration.ofHours(1)))))
			.withMessageContaining("rules[0].max-ttl");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new PolicyProperties(List.of(new Rule("x:*", Decision.DENY, null, null),
					new Rule("*:read", Decision.AUTO, Duration.ofMinutes(1), Duration.ofMillis(500)))))
			.withMessageContaining("rules[1].max-lifetime");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new PolicyProperties(List.of(new Rule("*:read", null, null, null))))
			.withMessageContaining("decision");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new PolicyProperties(List.of(new Rule(" ", Decision.DENY, null, null))));
		assertThat(new PolicyProperties(List.of(new Rule("x:*", Decision.DENY, null, null))).rules()).hasSize(1);
	}

	private static CredentialPolicy policy(Rule... rules) {
		return new CredentialPolicy(new PolicyProperties(List.of(rules)));
	}
}
