package io.colony.worker.github;

import io.colony.worker.agent.CodedAgent;
import io.colony.worker.credentials.Credentials;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code github-pr-review} coded agent (catalog type {@code pr-review}). */
@Configuration(proxyBeanMethods = false)
class GitHubConfiguration {

	@Bean
	CodedAgent githubPullRequestReview(GitHubProperties properties, Credentials credentials) {
		return new PullRequestReview(new GitHubApi(properties), credentials, properties);
	}
}
