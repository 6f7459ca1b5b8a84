package io.colony.worker.agent;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Answers of deterministic calls (temperature 0 or the simulated model), keyed by everything that shapes
 * the answer: provider, model id, options, tools offered and every message. Bounded (least recently used
 * out) and expiring; in-process, so a second worker computes its own. A cached answer costs nothing and
 * is recorded as such in the task's steps.
 */
final class ResponseCache {

	private final int maxEntries;

	private final Duration ttl;

	private final Clock clock;

	private final Map<String, Cached> entries;

	ResponseCache(int maxEntries, Duration ttl, Clock clock) {
		this.maxEntries = maxEntries;
		this.ttl = ttl;
		this.clock = clock;
		this.entries = new LinkedHashMap<>(16, 0.75f, true) {
			@Override
			protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
				return size() > ResponseCache.this.maxEntries;
			}
		};
	}

	boolean enabled() {
		return maxEntries > 0;
	}

	synchronized ModelReply get(String key) {
		Cached entry = entries.get(key);
		if (entry == null) {
			return null;
		}
		if (entry.expiresAt.isBefore(clock.instant())) {
			entries.remove(key);
			return null;
		}
		return entry.reply;
	}

	synchronized void put(String key, ModelReply reply) {
		entries.put(key, new Cached(reply, clock.instant().plus(ttl)));
	}

	synchronized int size() {
		return entries.size();
	}

	static String keyOf(ResolvedModel model, Prompt prompt) {
		MessageDigest digest = sha256();
		update(digest, model.provider());
		update(digest, model.id());
		update(digest, String.valueOf(model.temperature()));
		update(digest, String.valueOf(model.maxTokens()));
		if (prompt.getOptions() instanceof ToolCallingChatOptions options && options.getToolCallbacks() != null) {
			for (ToolCallback tool : options.getToolCallbacks()) {
				update(digest, tool.getToolDefinition().name());
				update(digest, tool.getToolDefinition().inputSchema());
			}
		}
		for (Message message : prompt.getInstructions()) {
			update(digest, message.getMessageType().name());
			update(digest, message.getText());
			if (message instanceof AssistantMessage assistant) {
				assistant.getToolCalls().forEach(call -> {
					update(digest, call.id());
					update(digest, call.name());
					update(digest, call.arguments());
				});
			}
			if (message instanceof ToolResponseMessage tools) {
				tools.getResponses().forEach(response -> {
					update(digest, response.id());
					update(digest, response.name());
					update(digest, response.responseData());
				});
			}
		}
		return HexFormat.of().formatHex(digest.digest());
	}

	/** Length-prefixed, so that ("ab","c") and ("a","bc") differ. */
	private static void update(MessageDigest digest, String value) {
		byte[] bytes = (value == null ? "\u0000" : value).getBytes(StandardCharsets.UTF_8);
		digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
		digest.update((byte) ':');
		digest.update(bytes);
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException impossible) {
			throw new IllegalStateException(impossible);
		}
	}

	private record Cached(ModelReply reply, Instant expiresAt) {
	}
}
