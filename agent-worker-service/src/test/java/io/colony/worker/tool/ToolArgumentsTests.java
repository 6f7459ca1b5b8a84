package io.colony.worker.tool;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ToolArgumentsTests {

	@Test
	void blankArgumentsAreAnEmptyObject() {
		assertThat(ToolArguments.parse("").asMap()).isEmpty();
		assertThat(ToolArguments.parse(null).asMap()).isEmpty();
		assertThat(ToolArguments.parse("  ").optionalText("key")).isNull();
	}

	@Test
	void anythingButOneJsonObjectIsRefusedWithWhatItWas() {
		assertThatThrownBy(() -> ToolArguments.parse("{\"url\": ")).isInstanceOf(ToolFailure.class)
			.hasMessageStartingWith("arguments are not valid JSON: ");
		assertThatThrownBy(() -> ToolArguments.parse("{\"a\": 1} {\"b\": 2}")).isInstanceOf(ToolFailure.class)
			.hasMessageStartingWith("arguments are not valid JSON: ");
		assertThatThrownBy(() -> ToolArguments.parse("\"just text\"")).isInstanceOf(ToolFailure.class)
			.hasMessage("arguments must be a JSON object, not a string");
		assertThatThrownBy(() -> ToolArguments.parse("null")).isInstanceOf(ToolFailure.class)
			.hasMessage("arguments must be a JSON object, not null");
	}

	@Test
	void fieldsAreReadWithTheirTypeChecked() {
		ToolArguments arguments = ToolArguments.parse("{\"url\": \"https://a.org\", \"n\": 3, \"blank\": \" \", \"none\": null}");

		assertThat(arguments.requiredText("url")).isEqualTo("https://a.org");
		assertThat(arguments.optionalText("missing")).isNull();
		assertThat(arguments.optionalText("none")).isNull();
		assertThat(arguments.requiredAnyAsText("n")).isEqualTo("3");
		assertThatThrownBy(() -> arguments.requiredText("n")).isInstanceOf(ToolFailure.class)
			.hasMessage("argument 'n' must be a string, not a number");
		assertThatThrownBy(() -> arguments.requiredText("blank")).isInstanceOf(ToolFailure.class)
			.hasMessage("argument 'blank' is required");
		assertThatThrownBy(() -> arguments.requiredAnyAsText("none")).isInstanceOf(ToolFailure.class)
			.hasMessage("argument 'none' is required");
	}

	@Test
	void theWholeObjectBecomesPlainJavaValues() {
		Map<String, Object> map = ToolArguments.parse("{\"a\": {\"b\": [1, \"two\", true]}}").asMap();

		assertThat(map).isEqualTo(Map.of("a", Map.of("b", List.of(1, "two", true))));
	}
}
