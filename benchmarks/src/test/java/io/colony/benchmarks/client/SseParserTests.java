package io.colony.benchmarks.client;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SseParserTests {

	@Test
	void splitsEventsOnBlankLinesAndJoinsDataLines() {
		List<SseEvent> events = parse("""
				: a comment
				event: job.progress
				id: 1
				data: {"a":
				data: 1}

				data: plain

				event: job.completed
				data:{"done":true}

				""");

		assertThat(events).containsExactly(new SseEvent("job.progress", "{\"a\":\n1}", "1"),
				new SseEvent("message", "plain", "1"), new SseEvent("job.completed", "{\"done\":true}", "1"));
	}

	@Test
	void anEventWithoutDataIsNotDispatched() {
		assertThat(parse("event: ping\n\n")).isEmpty();
	}

	private static List<SseEvent> parse(String text) {
		SseParser parser = new SseParser();
		List<SseEvent> events = new ArrayList<>();
		text.lines().forEach(line -> parser.line(line).ifPresent(events::add));
		parser.line("").ifPresent(events::add);
		return events;
	}
}
