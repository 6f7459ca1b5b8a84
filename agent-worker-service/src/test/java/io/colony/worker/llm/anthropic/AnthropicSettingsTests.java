package io.colony.worker.llm.anthropic;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class AnthropicSettingsTests {

	@Test
	void defaultsToAnthropicsApiWithATokenLimit() {
		AnthropicSettings settings = new AnthropicSettings(null, null, null, null, null, null, null);

		assertThat(settings).isEqualTo(new AnthropicSettings("https://api.anthropic.com", null, "claude-haiku-4-5", 1024,
				Duration.ofSeconds(60), DataSize.ofMegabytes(2), 1024));
	}

	@Test
	void neverPrintsTheKey() {
		AnthropicSettings settings = new AnthropicSettings(null, "sk-ant-secret", null, null, null, null, null);

		assertThat(settings.toString()).doesNotContain("sk-ant-secret").contains("apiKey=***");
	}

	@Test
	void rejectsWhatCannotWork() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new AnthropicSettings("ftp://example.com", null, null, null, null, null, null))
			.withMessageContaining("base-url must be an http(s) URL");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new AnthropicSettings(null, null, null, 0, null, null, null))
			.withMessageContaining("max-tokens must be at least 1");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new AnthropicSettings(null, null, null, null, Duration.ofSeconds(-1), null, null))
			.withMessageContaining("timeout must be positive");
	}
}
