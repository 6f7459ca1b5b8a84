package io.colony.worker.llm.openai;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class OpenAiCompatibleSettingsTests {

	@Test
	void defaultsToOpenAiWithoutAKey() {
		OpenAiCompatibleSettings settings = new OpenAiCompatibleSettings(null, " ", null, null, null, null);

		assertThat(settings).isEqualTo(new OpenAiCompatibleSettings("https://api.openai.com/v1", null, "gpt-4o-mini",
				Duration.ofSeconds(60), DataSize.ofMegabytes(2), 1024));
	}

	@Test
	void dropsATrailingSlashAndNeverPrintsTheKey() {
		OpenAiCompatibleSettings settings = new OpenAiCompatibleSettings("http://localhost:11434/v1/", "sk-secret",
				null, null, null, null);

		assertThat(settings.baseUrl()).isEqualTo("http://localhost:11434/v1");
		assertThat(settings.toString()).doesNotContain("sk-secret").contains("apiKey=***");
	}

	@Test
	void rejectsWhatCannotWork() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new OpenAiCompatibleSettings("localhost:11434", null, null, null, null, null))
			.withMessageContaining("base-url must be an http(s) URL");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new OpenAiCompatibleSettings(null, null, null, Duration.ZERO, null, null))
			.withMessageContaining("timeout must be positive");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new OpenAiCompatibleSettings(null, null, null, null, DataSize.ofBytes(10), null))
			.withMessageContaining("max-response-size");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new OpenAiCompatibleSettings(null, null, null, null, null, 0))
			.withMessageContaining("max-connections must be at least 1");
	}
}
