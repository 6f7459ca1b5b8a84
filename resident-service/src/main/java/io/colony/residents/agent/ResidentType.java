package io.colony.residents.agent;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A kind of resident agent, declared in {@code colony/residents.yml}.
 *
 * @param contextBudget estimated tokens (words) of memory above which the agent summarises
 * @param recentTurns turns kept at most, whatever the budget
 * @param checkIn a daily (or other) timer scheduled on creation, or {@code null}
 */
public record ResidentType(String name, String systemPrompt, int contextBudget, int recentTurns, CheckIn checkIn) {

	private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_.-]+)}");

	/**
	 * @param fact the fact holding the time of day ({@code HH:MM}, UTC) of the first check-in
	 * @param every how often it repeats
	 * @param content the message the agent sends itself
	 */
	public record CheckIn(String fact, Duration every, String content) {
	}

	/** The system prompt with {@code {fact}} placeholders replaced by the agent's facts ("unknown" when missing). */
	public String systemPromptFor(Map<String, String> facts) {
		Matcher matcher = PLACEHOLDER.matcher(systemPrompt);
		StringBuilder prompt = new StringBuilder();
		while (matcher.find()) {
			String value = facts.getOrDefault(matcher.group(1), "unknown");
			matcher.appendReplacement(prompt, Matcher.quoteReplacement(value));
		}
		matcher.appendTail(prompt);
		return prompt.toString();
	}
}
