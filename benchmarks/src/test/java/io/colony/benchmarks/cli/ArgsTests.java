package io.colony.benchmarks.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArgsTests {

	@Test
	void readsSpacedAndEqualsFormsAndFlags() {
		Args args = Args.parse(List.of("--tasks", "10", "--latency-ms=0", "--keep-logs", "--llm-url", "http://h:1/v1/"),
				Set.of("keep-logs"));

		assertThat(args.integer("tasks", 1, 1, 100)).isEqualTo(10);
		assertThat(args.millis("latency-ms", 5).toMillis()).isZero();
		assertThat(args.flag("keep-logs")).isTrue();
		assertThat(args.uri("llm-url", null)).hasToString("http://h:1/v1");
		assertThat(args.integer("workers", 2, 1, 9)).isEqualTo(2);
		args.requireAllKnown();
	}

	@Test
	void rejectsUnknownOptionsAndBadValues() {
		Args typo = Args.parse(List.of("--taks", "10"), Set.of());
		typo.integer("tasks", 1, 1, 100);
		assertThatThrownBy(typo::requireAllKnown).isInstanceOf(UsageError.class).hasMessageContaining("--taks");

		assertThatThrownBy(() -> Args.parse(List.of("--tasks", "x"), Set.of()).integer("tasks", 1, 1, 9))
			.isInstanceOf(UsageError.class)
			.hasMessageContaining("whole number");
		assertThatThrownBy(() -> Args.parse(List.of("--tasks", "0"), Set.of()).integer("tasks", 1, 1, 9))
			.isInstanceOf(UsageError.class)
			.hasMessageContaining("between 1 and 9");
		assertThatThrownBy(() -> Args.parse(List.of("--tasks"), Set.of())).isInstanceOf(UsageError.class);
		assertThatThrownBy(() -> Args.parse(List.of("stray"), Set.of())).isInstanceOf(UsageError.class);
	}
}
