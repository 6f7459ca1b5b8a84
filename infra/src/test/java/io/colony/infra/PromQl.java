package io.colony.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Just enough of a PromQL lexer to find what an expression refers to: the metric names of its selectors with
 * their label matchers, the labels it groups or joins on, and the functions it calls. Not a parser: it does not
 * check operator precedence or types ({@code promtool check rules}, run by {@code ToolCrossCheckTests} where it
 * is installed, does), but it fails on unbalanced brackets, unknown functions and anything it cannot read.
 * Grafana's variables ({@code $__rate_interval}, {@code $tenant}) may appear in ranges and label values.
 */
final class PromQl {

	record Selector(String metric, List<String> labels) {
	}

	record Refs(List<Selector> selectors, List<String> groupingLabels, List<String> functions) {
	}

	static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk",
			"bottomk", "quantile", "count_values", "group");

	static final Set<String> FUNCTIONS = Set.of("abs", "absent", "absent_over_time", "ceil", "changes", "clamp",
			"clamp_max", "clamp_min", "day_of_month", "day_of_week", "days_in_month", "delta", "deriv", "exp", "floor",
			"histogram_quantile", "holt_winters", "hour", "idelta", "increase", "irate", "label_join", "label_replace",
			"ln", "log2", "log10", "minute", "month", "predict_linear", "rate", "resets", "round", "scalar", "sgn",
			"sort", "sort_desc", "sqrt", "time", "timestamp", "vector", "year", "avg_over_time", "min_over_time",
			"max_over_time", "sum_over_time", "count_over_time", "quantile_over_time", "stddev_over_time",
			"stdvar_over_time", "last_over_time", "present_over_time");

	private static final Set<String> GROUPING = Set.of("by", "without", "on", "ignoring", "group_left",
			"group_right");

	private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "atan2");

	private PromQl() {
	}

	static Refs refs(String expression) {
		String expr = expression.replaceAll("\\$\\{[A-Za-z_][A-Za-z0-9_:]*}", "x").replaceAll("\\$[A-Za-z_][A-Za-z0-9_]*", "5m");
		List<Selector> selectors = new ArrayList<>();
		List<String> groupingLabels = new ArrayList<>();
		List<String> functions = new ArrayList<>();
		int depth = 0;
		int i = 0;
		while (i < expr.length()) {
			char c = expr.charAt(i);
			if (Character.isWhitespace(c)) {
				i++;
			}
			else if (c == '"' || c == '\'' || c == '`') {
				i = skipString(expr, i);
			}
			else if (c == '[') {
				int end = expr.indexOf(']', i);
				if (end < 0) {
					throw new IllegalArgumentException("unclosed range in: " + expression);
				}
				i = end + 1;
			}
			else if (c == '{') {
				// a selector without a metric name, e.g. {__name__=~"..."}: not used here, refuse it
				throw new IllegalArgumentException("selector without a metric name in: " + expression);
			}
			else if (Character.isDigit(c) || (c == '.' && i + 1 < expr.length() && Character.isDigit(expr.charAt(i + 1)))) {
				// numbers and durations (5m, 1e3, 0.99)
				while (i < expr.length() && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '.')) {
					i++;
				}
			}
			else if (Character.isLetter(c) || c == '_' || c == ':') {
				int start = i;
				while (i < expr.length() && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '_'
						|| expr.charAt(i) == ':')) {
					i++;
				}
				String word = expr.substring(start, i);
				int next = skipSpace(expr, i);
				boolean call = next < expr.length() && expr.charAt(next) == '(';
				if (GROUPING.contains(word)) {
					if (call) {
						int end = expr.indexOf(')', next);
						for (String label : expr.substring(next + 1, end).split(",")) {
							if (!label.isBlank()) {
								groupingLabels.add(label.strip());
							}
						}
						i = end + 1;
					}
				}
				else if (KEYWORDS.contains(word) || AGGREGATIONS.contains(word)) {
					if (AGGREGATIONS.contains(word)) {
						functions.add(word);
					}
				}
				else if (call) {
					if (!FUNCTIONS.contains(word)) {
						throw new IllegalArgumentException("unknown function " + word + " in: " + expression);
					}
					functions.add(word);
				}
				else if (word.equals("inf") || word.equals("nan") || word.equals("Inf") || word.equals("NaN")) {
					// numbers
				}
				else {
					List<String> labels = new ArrayList<>();
					if (next < expr.length() && expr.charAt(next) == '{') {
						i = readMatchers(expr, next, labels, expression);
					}
					selectors.add(new Selector(word, labels));
				}
			}
			else {
				if (c == '(') {
					depth++;
				}
				else if (c == ')') {
					depth--;
				}
				if (depth < 0) {
					throw new IllegalArgumentException("unbalanced parentheses in: " + expression);
				}
				i++;
			}
		}
		if (depth != 0) {
			throw new IllegalArgumentException("unbalanced parentheses in: " + expression);
		}
		return new Refs(selectors, groupingLabels, functions);
	}

	private static int readMatchers(String expr, int open, List<String> labels, String expression) {
		int i = open + 1;
		while (true) {
			i = skipSpace(expr, i);
			if (i >= expr.length()) {
				throw new IllegalArgumentException("unclosed selector in: " + expression);
			}
			if (expr.charAt(i) == '}') {
				return i + 1;
			}
			if (expr.charAt(i) == ',') {
				i++;
				continue;
			}
			int start = i;
			while (i < expr.length() && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '_')) {
				i++;
			}
			if (start == i) {
				throw new IllegalArgumentException("cannot read the label matcher at " + start + " in: " + expression);
			}
			labels.add(expr.substring(start, i));
			i = skipSpace(expr, i);
			while (i < expr.length() && "=!~".indexOf(expr.charAt(i)) >= 0) {
				i++;
			}
			i = skipSpace(expr, i);
			if (i >= expr.length() || "\"'`".indexOf(expr.charAt(i)) < 0) {
				throw new IllegalArgumentException("a label matcher needs a quoted value in: " + expression);
			}
			i = skipString(expr, i);
		}
	}

	private static int skipString(String expr, int open) {
		char quote = expr.charAt(open);
		int i = open + 1;
		while (i < expr.length() && expr.charAt(i) != quote) {
			i += expr.charAt(i) == '\\' && quote != '`' ? 2 : 1;
		}
		if (i >= expr.length()) {
			throw new IllegalArgumentException("unclosed string in: " + expr);
		}
		return i + 1;
	}

	private static int skipSpace(String expr, int i) {
		while (i < expr.length() && Character.isWhitespace(expr.charAt(i))) {
			i++;
		}
		return i;
	}
}
