package io.colony.platform;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlatformDefaultsTests {

	@Test
	void logsAreJsonUnlessTextIsAskedFor() {
		assertThat(structuredFormat(new MockEnvironment())).isEqualTo("ecs");
		assertThat(structuredFormat(new MockEnvironment().withProperty("COLONY_LOG_FORMAT", "json"))).isEqualTo("ecs");
		assertThat(structuredFormat(new MockEnvironment().withProperty("COLONY_LOG_FORMAT", "TEXT"))).isNull();
		assertThat(structuredFormat(new MockEnvironment().withProperty("colony.logging.format", "text"))).isNull();
	}

	@Test
	void aServiceMayStillChooseAnotherStructuredFormat() {
		MockEnvironment environment = new MockEnvironment().withProperty("logging.structured.format.console", "logstash");

		assertThat(structuredFormat(environment)).isEqualTo("logstash");
	}

	@Test
	void anUnknownLogFormatStopsTheStartWithWhatIsAllowed() {
		assertThatThrownBy(() -> structuredFormat(new MockEnvironment().withProperty("COLONY_LOG_FORMAT", "xml")))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("json or text")
			.hasMessageContaining("'xml'");
	}

	@Test
	void requestDetailsAreNeverLogged() {
		StandardEnvironment environment = new StandardEnvironment();
		new PlatformDefaults().postProcessEnvironment(environment, new SpringApplication());

		assertThat(environment.getProperty("spring.mvc.log-request-details")).isEqualTo("false");
		assertThat(environment.getProperty("spring.codec.log-request-details")).isEqualTo("false");
	}

	private static String structuredFormat(MockEnvironment environment) {
		new PlatformDefaults().postProcessEnvironment(environment, new SpringApplication());
		return environment.getProperty("logging.structured.format.console");
	}
}
