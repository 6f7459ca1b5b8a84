package io.colony.gateway.webhook;

import io.colony.contracts.Destinations;
import io.colony.contracts.Priority;
import io.colony.contracts.TenantId;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * GitHub webhooks ({@code POST /webhooks/github}) and the repositories whose pull requests are reviewed. Validated at
 * start-up: a mistake here stops the gateway instead of refusing deliveries later.
 *
 * @param webhookSecret the webhook's secret (GitHub's "Secret"); without one the endpoint is disabled (404)
 * @param maxBodySize the largest delivery read (GitHub caps payloads at 25 MB); larger is a 413
 * @param acceptTimeout how long a delivery waits for the orchestrator to store its job; GitHub gives up after 10 s
 * and the issue asks for an answer within 1 s, so past this the delivery is a 503 and GitHub redelivers it
 * @param retryAfter the {@code Retry-After} of that 503
 * @param deliveryTtl how long an accepted delivery id is remembered (GitHub redelivers for at most 3 days)
 * @param repositories the repositories reviewed, by {@code owner/name}
 */
@ConfigurationProperties("colony.gateway.github")
public record GitHubWebhookProperties(String webhookSecret, DataSize maxBodySize, Duration acceptTimeout,
		Duration retryAfter, Duration deliveryTtl, List<Repository> repositories) {

	public static final List<String> DEFAULT_SPECIALISTS = List.of("security-reviewer", "style-reviewer",
			"logic-reviewer", "test-reviewer");

	static final DataSize DEFAULT_MAX_BODY_SIZE = DataSize.ofMegabytes(25);

	private static final Pattern FULL_NAME = Pattern.compile("[A-Za-z0-9-]{1,39}/[A-Za-z0-9_.-]{1,100}");

	public GitHubWebhookProperties {
		webhookSecret = webhookSecret == null || webhookSecret.isEmpty() ? null : webhookSecret;
		maxBodySize = maxBodySize == null ? DEFAULT_MAX_BODY_SIZE : maxBodySize;
		acceptTimeout = acceptTimeout == null ? Duration.ofMillis(600) : acceptTimeout;
		retryAfter = retryAfter == null ? Duration.ofSeconds(5) : retryAfter;
		deliveryTtl = deliveryTtl == null ? Duration.ofDays(7) : deliveryTtl;
		repositories = repositories == null ? List.of() : List.copyOf(repositories);
		if (maxBodySize.toBytes() < 1 || maxBodySize.toBytes() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException("colony.gateway.github.max-body-size must be between 1B and 2GB");
		}
		if (acceptTimeout.isNegative() || acceptTimeout.isZero()) {
			throw new IllegalArgumentException("colony.gateway.github.accept-timeout must be positive");
		}
		if (retryAfter.toSeconds() < 1) {
			throw new IllegalArgumentException("colony.gateway.github.retry-after must be at least PT1S");
		}
		if (deliveryTtl.toSeconds() < 1) {
			throw new IllegalArgumentException("colony.gateway.github.delivery-ttl must be at least PT1S");
		}
		Set<String> names = new HashSet<>();
		for (int i = 0; i < repositories.size(); i++) {
			Repository repository = repositories.get(i);
			String at = "colony.gateway.github.repositories[" + i + "]";
			if (repository == null || repository.name() == null || !FULL_NAME.matcher(repository.name()).matches()) {
				throw new IllegalArgumentException(at + ".name must be 'owner/repo'");
			}
			if (!names.add(repository.name().toLowerCase(Locale.ROOT))) {
				throw new IllegalArgumentException(at + ".name '" + repository.name() + "' is configured twice");
			}
			repository.validate(at);
		}
	}

	/** Whether the endpoint is on. */
	boolean enabled() {
		return webhookSecret != null;
	}

	/** The repository's settings; GitHub's repository names are case-insensitive. */
	Optional<Repository> repository(String fullName) {
		return repositories.stream().filter(r -> r.name().equalsIgnoreCase(fullName)).findFirst();
	}

	/**
	 * One repository's review settings.
	 *
	 * @param name {@code owner/repo}
	 * @param tenant the tenant its review jobs run (and are billed) under
	 * @param specialists the reviewer agent types, each reviewing every file; default security, style, logic, tests
	 * @param paths globs of the files reviewed ({@code **}, {@code *}, {@code ?}); default every file
	 * @param excludePaths globs of files never reviewed, even when {@code paths} matches
	 * @param maxFiles at most this many files are reviewed (the first ones in GitHub's order); default 12
	 * @param priority the review job's priority; default normal
	 */
	public record Repository(String name, String tenant, List<String> specialists, List<String> paths,
			List<String> excludePaths, Integer maxFiles, Priority priority) {

		public Repository {
			specialists = specialists == null || specialists.isEmpty() ? DEFAULT_SPECIALISTS : List.copyOf(specialists);
			paths = paths == null || paths.isEmpty() ? List.of("**") : List.copyOf(paths);
			excludePaths = excludePaths == null ? List.of() : List.copyOf(excludePaths);
			maxFiles = maxFiles == null ? 12 : maxFiles;
			priority = priority == null ? Priority.NORMAL : priority;
		}

		void validate(String at) {
			if (tenant == null || tenant.isBlank()) {
				throw new IllegalArgumentException(at + ".tenant is required");
			}
			TenantId.of(tenant);
			for (String specialist : specialists) {
				if (specialist == null || !Destinations.isValidCapability(specialist)) {
					throw new IllegalArgumentException(at + ".specialists holds an invalid agent type '" + specialist
							+ "'");
				}
			}
			if (Set.copyOf(specialists).size() != specialists.size()) {
				throw new IllegalArgumentException(at + ".specialists names an agent type twice");
			}
			for (String glob : paths) {
				requireGlob(at + ".paths", glob);
			}
			for (String glob : excludePaths) {
				requireGlob(at + ".exclude-paths", glob);
			}
			// a plan holds one task per file and specialist; the orchestrator caps plans at 50 sub-tasks
			if (maxFiles < 1 || maxFiles * specialists.size() > GitHubWebhookController.MAX_PLAN) {
				throw new IllegalArgumentException(at + ".max-files must be at least 1 and max-files × specialists ("
						+ maxFiles + " × " + specialists.size() + ") at most " + GitHubWebhookController.MAX_PLAN);
			}
		}

		private static void requireGlob(String at, String glob) {
			if (glob == null || glob.isBlank() || glob.length() > 200) {
				throw new IllegalArgumentException(at + " holds an empty or overlong glob");
			}
		}
	}
}
