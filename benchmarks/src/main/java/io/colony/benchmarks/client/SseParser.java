package io.colony.benchmarks.client;

import java.util.Optional;

/**
 * Turns {@code text/event-stream} lines into events as the HTML standard describes: {@code field: value}
 * lines, {@code data} lines joined with newlines, comments starting with {@code :}, a blank line ends an event.
 * Not thread-safe: one parser per stream.
 */
public final class SseParser {

	private String name;

	private StringBuilder data;

	private String id;

	/** Feeds one line (without its line break); returns the event a blank line completes. */
	public Optional<SseEvent> line(String line) {
		if (line.isEmpty()) {
			return dispatch();
		}
		if (line.startsWith(":")) {
			return Optional.empty();
		}
		int colon = line.indexOf(':');
		String field = colon < 0 ? line : line.substring(0, colon);
		String value = colon < 0 ? "" : line.substring(colon + 1);
		if (value.startsWith(" ")) {
			value = value.substring(1);
		}
		switch (field) {
			case "event" -> name = value;
			case "data" -> {
				if (data == null) {
					data = new StringBuilder(value);
				}
				else {
					data.append('\n').append(value);
				}
			}
			case "id" -> id = value;
			default -> {
				// retry and unknown fields do not matter to these clients
			}
		}
		return Optional.empty();
	}

	private Optional<SseEvent> dispatch() {
		Optional<SseEvent> event = data == null ? Optional.empty()
				: Optional.of(new SseEvent(name == null || name.isEmpty() ? "message" : name, data.toString(), id));
		name = null;
		data = null;
		return event;
	}
}
