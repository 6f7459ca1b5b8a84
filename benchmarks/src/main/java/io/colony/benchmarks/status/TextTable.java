package io.colony.benchmarks.status;

import java.util.ArrayList;
import java.util.List;

/**
 * Columns aligned for a terminal: a header row, then rows; text left-aligned, numbers right-aligned, two spaces
 * between columns, no trailing spaces. Widths are counted in characters (the rendered values are ASCII apart from
 * what operators named, such as agent ids).
 */
final class TextTable {

	enum Align {
		LEFT, RIGHT
	}

	private final List<String> headers = new ArrayList<>();

	private final List<Align> aligns = new ArrayList<>();

	private final List<List<String>> rows = new ArrayList<>();

	TextTable column(String header, Align align) {
		headers.add(header);
		aligns.add(align);
		return this;
	}

	TextTable row(String... cells) {
		if (cells.length > headers.size()) {
			throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of " + headers.size()
					+ " columns");
		}
		List<String> row = new ArrayList<>(List.of(cells));
		while (row.size() < headers.size()) {
			row.add("");
		}
		rows.add(row);
		return this;
	}

	boolean isEmpty() {
		return rows.isEmpty();
	}

	/** Every line starts with {@code indent}. */
	void appendTo(StringBuilder text, String indent) {
		int[] widths = new int[headers.size()];
		for (int column = 0; column < headers.size(); column++) {
			widths[column] = headers.get(column).length();
			for (List<String> row : rows) {
				widths[column] = Math.max(widths[column], row.get(column).length());
			}
		}
		line(text, indent, headers, widths);
		for (List<String> row : rows) {
			line(text, indent, row, widths);
		}
	}

	private void line(StringBuilder text, String indent, List<String> cells, int[] widths) {
		StringBuilder line = new StringBuilder(indent);
		for (int column = 0; column < cells.size(); column++) {
			if (column > 0) {
				line.append("  ");
			}
			String cell = cells.get(column);
			String padding = " ".repeat(widths[column] - cell.length());
			line.append(aligns.get(column) == Align.RIGHT ? padding + cell : cell + padding);
		}
		text.append(line.toString().stripTrailing()).append('\n');
	}
}
