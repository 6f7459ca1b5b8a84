package io.colony.worker.credentials;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CredentialsPropertiesTests {

	@Test
	void credentialSettingsDefaultToTheLocalServiceAndAQuarterHourForApprovals() {
		CredentialsProperties defaults = new CredentialsProperties(null, null, null, null, null, null);

		assertThat(defaults.url()).isEqualTo(URI.create("http://127.0.0.1:8084"));
		assertThat(defaults.approvalTimeout()).isEqualTo(Duration.ofMinutes(15));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new CredentialsProperties(null, Duration.ZERO, null, null, null, null))
			.withMessage("colony.worker.credentials.approval-timeout must be positive");
	}

	@Test
	void theServiceUrlMustBeHttp() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new CredentialsProperties(URI.create("ftp://creds"), null, null, null, null, null))
			.withMessage("colony.worker.credentials.url must be an http or https URL, was ftp://creds");
	}
}
