package io.colony.gateway.security.issuer;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class LocalIssuerPropertiesTests {

	@Test
	void theDefaultClientMayAskForApprovalsButDoesNotGetThemUnasked() {
		LocalIssuerProperties.Client client = new LocalIssuerProperties(null, null, null, null, null, null).clients()
			.get("colony-cli");

		assertThat(client.scopes()).contains("credentials:approve");
		assertThat(client.defaultScopes()).containsExactly("jobs:read", "jobs:write", "registry:read", "agents:read",
				"agents:write")
			.doesNotContain("credentials:approve");
	}

	@Test
	void aClientsDefaultScopesAreThoseOfTheDefaultsItMayAskFor() {
		assertThat(new LocalIssuerProperties.Client("s", List.of("jobs:read", "credentials:approve"), null).defaultScopes())
			.containsExactly("jobs:read");
		assertThat(new LocalIssuerProperties.Client("s", List.of("credentials:approve"), null).defaultScopes()).isEmpty();
		assertThat(new LocalIssuerProperties.Client("s", null, List.of("credentials:approve")).defaultScopes())
			.containsExactly("credentials:approve");
	}

	@Test
	void defaultScopesMustBeAmongTheClientsScopes() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new LocalIssuerProperties.Client("s", List.of("jobs:read"), List.of("jobs:write")))
			.withMessageContaining("jobs:write");
	}
}
