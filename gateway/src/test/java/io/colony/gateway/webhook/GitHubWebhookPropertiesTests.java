package io.colony.gateway.webhook;

import io.colony.contracts.Priority;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class GitHubWebhookPropertiesTests {

	@Test
	void defaultsFollowGitHub() {
		GitHubWebhookProperties properties = new GitHubWebhookProperties(null, null, null, null, null,
				List.of(new GitHubWebhookProperties.Repository("acme/shop", "acme", null, null, null, null, null)));
		assertThat(properties.enabled()).as("no secret: disabled").isFalse();
		assertThat(properties.maxBodySize()).isEqualTo(DataSize.ofMegabytes(25));
		assertThat(properties.acceptTimeout()).as("with the 250 ms Redis check, under GitHub's 1 s").isEqualTo(Duration.ofMillis(600));
		assertThat(properties.deliveryTtl()).isEqualTo(Duration.ofDays(7));
		GitHubWebhookProperties.Repository shop = properties.repository("ACME/Shop").orElseThrow();
		assertThat(shop.specialists()).containsExactly("security-reviewer", "style-reviewer", "logic-reviewer",
				"test-reviewer");
		assertThat(shop.paths()).containsExactly("**");
		assertThat(shop.excludePaths()).isEmpty();
		assertThat(shop.maxFiles()).isEqualTo(12);
		assertThat(shop.priority()).isEqualTo(Priority.NORMAL);
		assertThat(properties.repository("acme/other")).isEmpty();
	}

	@Test
	void refusesRepositoriesThatCannotWork() {
		assertThatIllegalArgumentException().isThrownBy(() -> repository("acme", "acme", null, null))
			.withMessageContaining("repositories[0].name");
		assertThatIllegalArgumentException().isThrownBy(() -> repository("acme/shop", null, null, null))
			.withMessageContaining("tenant is required");
		assertThatIllegalArgumentException().isThrownBy(() -> repository("acme/shop", "acme", List.of("Bad Type"), null))
			.withMessageContaining("invalid agent type");
		assertThatIllegalArgumentException().isThrownBy(() -> repository("acme/shop", "acme", null, 13))
			.withMessageContaining("13 × 4");
		assertThatIllegalArgumentException().isThrownBy(() -> new GitHubWebhookProperties("s", null, null, null, null,
				List.of(new GitHubWebhookProperties.Repository("acme/shop", "acme", null, null, null, null, null),
						new GitHubWebhookProperties.Repository("Acme/Shop", "acme", null, null, null, null, null))))
			.withMessageContaining("configured twice");
		assertThatIllegalArgumentException().isThrownBy(() -> new GitHubWebhookProperties("s", DataSize.ofBytes(0),
				null, null, null, null)).withMessageContaining("max-body-size");
	}

	private static GitHubWebhookProperties repository(String name, String tenant, List<String> specialists,
			Integer maxFiles) {
		return new GitHubWebhookProperties("secret", null, null, null, null,
				List.of(new GitHubWebhookProperties.Repository(name, tenant, specialists, null, null, maxFiles, null)));
	}
}
