package io.colony.benchmarks.status;

import io.colony.benchmarks.status.TextTable.Align;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The gateway's fleet snapshot ({@code GET /api/v1/fleet}) as text for a terminal: one block per section (queues,
 * workers, jobs, pending approvals), each with its availability and, when the source could not be read, why. A pure
 * function of the snapshot, so that what {@code ./colony status} prints is tested without a mesh. Members the
 * snapshot lacks are shown as {@code -}, never guessed.
 */
final class FleetReport {

	static final int BAR_WIDTH = 24;

	/** A worker of every agent type would otherwise push the table past any terminal's width. */
	static final int TYPES_WIDTH = 40;

	private FleetReport() {
	}

	static String render(JsonNode snapshot, String gateway) {
		StringBuilder text = new StringBuilder();
		text.append("Colony fleet at ").append(gateway).append(" - snapshot ")
			.append(snapshot.path("observedAt").asString("?")).append('\n');
		Instant observedAt = instant(snapshot.path("observedAt"));
		queues(text, snapshot.path("queues"));
		workers(text, snapshot.path("workers"), observedAt);
		jobs(text, snapshot.path("jobs"));
		approvals(text, snapshot.path("approvals"), observedAt);
		return text.toString();
	}

	private static void queues(StringBuilder text, JsonNode section) {
		heading(text, "QUEUES", section, available(section)
				? "vhost " + section.path("vhost").asString("?") + ", dead letters " + count(section.path("deadLetters")) : "");
		if (!available(section)) {
			return;
		}
		List<JsonNode> queues = list(section.path("queues"));
		if (queues.isEmpty()) {
			text.append("  (no Colony queue in this vhost yet)\n");
			return;
		}
		long deepest = 1;
		for (JsonNode queue : queues) {
			deepest = Math.max(deepest, queue.path("ready").asLong(0) + queue.path("unacked").asLong(0));
		}
		TextTable table = new TextTable().column("QUEUE", Align.LEFT)
			.column("READY", Align.RIGHT)
			.column("UNACKED", Align.RIGHT)
			.column("CONSUMERS", Align.RIGHT)
			.column("DEPTH", Align.LEFT);
		for (JsonNode queue : queues) {
			long ready = queue.path("ready").asLong(0);
			long unacked = queue.path("unacked").asLong(0);
			boolean deadLetters = queue.path("deadLetter").asBoolean(false) && ready + unacked > 0;
			table.row(queue.path("name").asString("?"), count(queue.path("ready")), count(queue.path("unacked")),
					count(queue.path("consumers")),
					bar(ready, unacked, deepest) + (deadLetters ? "  << dead letters" : ""));
		}
		table.appendTo(text, "  ");
	}

	private static void workers(StringBuilder text, JsonNode section, Instant observedAt) {
		List<JsonNode> workers = list(section.path("workers"));
		heading(text, "WORKERS", section, available(section) ? workers.size() + " live, "
				+ count(section.path("inFlight")) + " / " + count(section.path("capacity")) + " tasks in flight" : "");
		if (!available(section)) {
			return;
		}
		if (workers.isEmpty()) {
			text.append("  (no live worker: jobs wait, or are refused with no-live-agent)\n");
			return;
		}
		TextTable table = new TextTable().column("AGENT", Align.LEFT)
			.column("INSTANCE", Align.LEFT)
			.column("TYPES", Align.LEFT)
			.column("IN FLIGHT", Align.RIGHT)
			.column("CAPACITY", Align.RIGHT)
			.column("LAST SEEN", Align.LEFT);
		for (JsonNode worker : workers) {
			table.row(worker.path("agentId").asString("?"), worker.path("instance").asString("-"),
					joinWithin(strings(worker.path("agentTypes")), TYPES_WIDTH), count(worker.path("inFlight")),
					count(worker.path("capacity")), ago(instant(worker.path("lastSeen")), observedAt));
		}
		table.appendTo(text, "  ");
	}

	private static void jobs(StringBuilder text, JsonNode section) {
		JsonNode byStatus = section.path("byStatus");
		heading(text, "JOBS", section, available(section) && section.has("stalled")
				? "stalled " + count(section.path("stalled")) : "");
		if (!available(section)) {
			return;
		}
		if (byStatus.isEmpty()) {
			text.append("  (no job)\n");
			return;
		}
		TextTable table = new TextTable();
		List<String> counts = new ArrayList<>();
		for (String status : byStatus.propertyNames()) {
			table.column(status, Align.RIGHT);
			counts.add(count(byStatus.path(status)));
		}
		table.row(counts.toArray(String[]::new));
		table.appendTo(text, "  ");
	}

	private static void approvals(StringBuilder text, JsonNode section, Instant observedAt) {
		String pending = section.path("pending").isNumber()
				? section.path("pending").asInt() + (section.path("more").asBoolean(false) ? "+" : "") : "-";
		heading(text, "PENDING APPROVALS", section, available(section)
				? pending + " waiting, tenant " + section.path("tenant").asString("?") : "");
		if (!available(section)) {
			return;
		}
		List<JsonNode> oldest = list(section.path("oldest"));
		if (oldest.isEmpty()) {
			return;
		}
		TextTable table = new TextTable().column("WAITING", Align.RIGHT)
			.column("RESOURCE", Align.LEFT)
			.column("SCOPE", Align.LEFT)
			.column("AGENT", Align.LEFT)
			.column("REQUEST", Align.LEFT);
		for (JsonNode request : oldest) {
			table.row(ago(instant(request.path("requestedAt")), observedAt), request.path("resource").asString("?"),
					String.join(" ", strings(request.path("scope"))), request.path("agentId").asString("?"),
					request.path("requestId").asString("?"));
		}
		table.appendTo(text, "  ");
		text.append("  decide them in the console: ./colony token --scope credentials:approve, then /console/\n");
	}

	/** {@code NAME  detail} for an available section; {@code NAME  <status>: <reason>} for any other. */
	private static void heading(StringBuilder text, String name, JsonNode section, String detail) {
		text.append('\n').append(name);
		String status = section.path("status").asString("unavailable");
		if (available(section)) {
			if (!detail.isEmpty()) {
				text.append("  ").append(detail);
			}
		}
		else {
			String reason = section.path("reason").asString(section.isMissingNode() ? "not in the snapshot" : "");
			text.append("  ").append(status.toUpperCase(Locale.ROOT)).append(reason.isEmpty() ? "" : ": " + reason);
		}
		text.append('\n');
	}

	private static boolean available(JsonNode section) {
		return "available".equals(section.path("status").asString(""));
	}

	/** A count with thousands separators, or {@code -} when it is absent. */
	static String count(JsonNode value) {
		return value.isNumber() ? String.format(Locale.ROOT, "%,d", value.asLong()) : "-";
	}

	/** Ready messages as {@code #}, unacknowledged as {@code +}, scaled to the deepest queue; a non-empty queue shows at least one. */
	static String bar(long ready, long unacked, long deepest) {
		// rounding may fill the bar with ready messages: keep a cell for unacknowledged ones when there are any
		int readyCells = Math.min(cells(ready, deepest), unacked > 0 ? BAR_WIDTH - 1 : BAR_WIDTH);
		int unackedCells = Math.min(BAR_WIDTH - readyCells, cells(unacked, deepest));
		return "#".repeat(readyCells) + "+".repeat(unackedCells);
	}

	private static int cells(long value, long deepest) {
		if (value <= 0) {
			return 0;
		}
		return (int) Math.max(1, Math.min(BAR_WIDTH, Math.round((double) value * BAR_WIDTH / deepest)));
	}

	/** As many names as fit in {@code width}, then how many more: {@code a, b +7}. */
	static String joinWithin(List<String> names, int width) {
		StringBuilder joined = new StringBuilder();
		for (int i = 0; i < names.size(); i++) {
			String next = (i == 0 ? "" : ", ") + names.get(i);
			String more = i + 1 < names.size() ? " +" + (names.size() - i - 1) : "";
			if (i > 0 && joined.length() + next.length() + more.length() > width) {
				return joined + " +" + (names.size() - i);
			}
			joined.append(next);
		}
		return joined.toString();
	}

	static String ago(Instant then, Instant now) {
		if (then == null || now == null) {
			return "-";
		}
		long seconds = Math.max(0, Duration.between(then, now).toSeconds());
		if (seconds < 60) {
			return seconds + " s ago";
		}
		if (seconds < 3600) {
			return seconds / 60 + " min ago";
		}
		if (seconds < 48 * 3600) {
			return seconds / 3600 + " h ago";
		}
		return seconds / 86400 + " d ago";
	}

	private static Instant instant(JsonNode value) {
		try {
			return value.isString() ? Instant.parse(value.asString()) : null;
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	private static List<JsonNode> list(JsonNode array) {
		List<JsonNode> items = new ArrayList<>();
		if (array.isArray()) {
			array.forEach(items::add);
		}
		return items;
	}

	private static List<String> strings(JsonNode array) {
		List<String> values = new ArrayList<>();
		for (JsonNode value : list(array)) {
			values.add(value.asString());
		}
		return values;
	}
}
