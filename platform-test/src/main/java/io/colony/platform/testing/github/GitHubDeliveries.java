package io.colony.platform.testing.github;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Builds webhook deliveries as GitHub sends them: a {@code pull_request} payload shaped like GitHub's documented one
 * and the {@code X-Hub-Signature-256} header (HMAC-SHA256 of the raw body with the webhook's secret).
 */
public final class GitHubDeliveries {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private GitHubDeliveries() {
	}

	/** A delivery: the headers GitHub sets and the raw body they sign. */
	public record Delivery(String id, String event, byte[] body, String signature) {
	}

	/** {@code sha256=<hex>} of {@code body} with {@code secret}. */
	public static String signature(String secret, byte[] body) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	/** A signed {@code pull_request} delivery with a fresh delivery id. */
	public static Delivery pullRequest(String secret, String action, String repository, int number, String title,
			String headSha, String baseSha) {
		byte[] body = JSON.writeValueAsBytes(pullRequestPayload(action, repository, number, title, headSha, baseSha));
		return new Delivery(UUID.randomUUID().toString(), "pull_request", body, signature(secret, body));
	}

	/** A signed delivery of any event with a fresh delivery id. */
	public static Delivery of(String secret, String event, byte[] body) {
		return new Delivery(UUID.randomUUID().toString(), event, body, signature(secret, body));
	}

	public static ObjectNode pullRequestPayload(String action, String repository, int number, String title,
			String headSha, String baseSha) {
		String owner = repository.substring(0, repository.indexOf('/'));
		ObjectNode payload = JSON.createObjectNode();
		payload.put("action", action);
		payload.put("number", number);
		ObjectNode pull = payload.putObject("pull_request");
		pull.put("url", "https://api.github.com/repos/" + repository + "/pulls/" + number);
		pull.put("id", 1_000_000 + number);
		pull.put("node_id", "PR_kwDO" + number);
		pull.put("html_url", "https://github.com/" + repository + "/pull/" + number);
		pull.put("number", number);
		pull.put("state", "open");
		pull.put("locked", false);
		pull.put("title", title);
		user(pull.putObject("user"), "octocat");
		pull.put("body", "Please review.");
		pull.put("draft", false);
		ObjectNode head = pull.putObject("head");
		head.put("label", "octocat:feature");
		head.put("ref", "feature");
		head.put("sha", headSha);
		repository(head.putObject("repo"), repository, owner);
		ObjectNode base = pull.putObject("base");
		base.put("label", owner + ":main");
		base.put("ref", "main");
		base.put("sha", baseSha);
		repository(base.putObject("repo"), repository, owner);
		repository(payload.putObject("repository"), repository, owner);
		user(payload.putObject("sender"), "octocat");
		payload.putObject("installation").put("id", 4242).put("node_id", "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg==");
		return payload;
	}

	private static void repository(ObjectNode node, String fullName, String owner) {
		node.put("id", Math.abs(fullName.hashCode()));
		node.put("name", fullName.substring(fullName.indexOf('/') + 1));
		node.put("full_name", fullName);
		node.put("private", false);
		user(node.putObject("owner"), owner);
		node.put("html_url", "https://github.com/" + fullName);
		node.put("default_branch", "main");
	}

	private static void user(ObjectNode node, String login) {
		node.put("login", login);
		node.put("id", Math.abs(login.hashCode()));
		node.put("type", "User");
		node.put("html_url", "https://github.com/" + login);
	}
}
