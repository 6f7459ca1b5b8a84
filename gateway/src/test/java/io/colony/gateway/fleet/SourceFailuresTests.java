package io.colony.gateway.fleet;

import io.colony.platform.messaging.UndecodableMessage;
import org.junit.jupiter.api.Test;
import io.netty.handler.timeout.ReadTimeoutException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

class SourceFailuresTests {

	@Test
	void namesTheSourceAndWhatWentWrongButNeverWhatItAnswered() {
		WebClientResponseException failed = WebClientResponseException.create(503, "Service Unavailable", HttpHeaders.EMPTY,
				"db password is hunter2".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);

		assertThat(SourceFailures.describe("registry", failed, Duration.ofSeconds(2))).isEqualTo("registry answered 503");
		assertThat(SourceFailures.describe("registry", new TimeoutException(), Duration.ofMillis(1500)))
			.isEqualTo("registry did not answer within 1500 ms");
		assertThat(SourceFailures.describe("registry", new IllegalStateException(new TimeoutException()), Duration.ofSeconds(2)))
			.isEqualTo("registry did not answer within 2 s");
		WebClientRequestException clientTimeout = new WebClientRequestException(ReadTimeoutException.INSTANCE, HttpMethod.GET,
				URI.create("http://127.0.0.1:8081/api/v1/registry/agents"), HttpHeaders.EMPTY);
		assertThat(SourceFailures.describe("registry", clientTimeout, Duration.ofSeconds(2)))
			.as("the HTTP client's own timeout")
			.isEqualTo("registry did not answer within 2 s");
		WebClientRequestException refused = new WebClientRequestException(new ConnectException("refused"),
				HttpMethod.GET, URI.create("http://127.0.0.1:8081/api/v1/registry/agents"), HttpHeaders.EMPTY);
		assertThat(SourceFailures.describe("registry", refused, Duration.ofSeconds(2)))
			.isEqualTo("registry is not reachable at http://127.0.0.1:8081/");
		assertThat(SourceFailures.describe("registry", new UndecodableMessage("not a valid AgentList: secret", null),
				Duration.ofSeconds(2)))
			.isEqualTo("registry sent an answer that could not be read");
		assertThat(SourceFailures.describe("registry", new IllegalArgumentException("internal detail"), Duration.ofSeconds(2)))
			.isEqualTo("registry could not be read (IllegalArgumentException)");
	}
}
