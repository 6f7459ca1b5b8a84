package io.colony.gateway.cors;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CorsPropertiesTests {

	@Test
	void byDefaultNoOriginIsAllowedAndOnlyTheConsolesPathsCouldBe() {
		CorsProperties cors = new CorsProperties(null, null, null);

		assertThat(cors.allowedOrigins()).isEmpty();
		assertThat(cors.paths()).containsExactly("/api/v1/credentials/**");
	}

	@Test
	void acceptsBareOriginsOnly() {
		assertThat(new CorsProperties(List.of("https://console.example.com", "http://127.0.0.1:3000"), null, null)
			.allowedOrigins()).hasSize(2);

		for (String bad : List.of("*", "https://*.example.com", "https://console.example.com/app", "console.example.com",
				"ftp://console.example.com", "https://user@console.example.com", "https://console.example.com?x=1")) {
			assertThatThrownBy(() -> new CorsProperties(List.of(bad), null, null)).as(bad)
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("allowed-origins");
		}
		assertThatThrownBy(() -> new CorsProperties(null, List.of("/console/**"), null))
			.hasMessageContaining("must name API paths");
	}
}
