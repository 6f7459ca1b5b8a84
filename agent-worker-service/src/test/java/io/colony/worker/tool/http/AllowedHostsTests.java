package io.colony.worker.tool.http;

import io.colony.worker.tool.ToolFailure;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AllowedHostsTests {

	@Test
	void anExactHostMatchesOnlyItselfOnTheDefaultPortOfEitherScheme() {
		AllowedHosts hosts = AllowedHosts.parse(List.of("example.com"));

		allowed(hosts, "https://example.com/a?b=c");
		allowed(hosts, "http://EXAMPLE.com./");
		allowed(hosts, "https://example.com:443/");
		refused(hosts, "https://example.com:8443/", "host 'example.com:8443' is not on the allow-list");
		refused(hosts, "https://api.example.com/", "host 'api.example.com' is not on the allow-list");
		refused(hosts, "https://example.com.evil.org/", "not on the allow-list");
		refused(hosts, "https://notexample.com/", "not on the allow-list");
	}

	@Test
	void aWildcardMatchesSubDomainsButNotTheDomainItself() {
		AllowedHosts hosts = AllowedHosts.parse(List.of("*.example.com"));

		allowed(hosts, "https://api.example.com/");
		allowed(hosts, "https://a.b.example.com/");
		refused(hosts, "https://example.com/", "not on the allow-list");
		refused(hosts, "https://api.example.com.evil.org/", "not on the allow-list");
		refused(hosts, "https://evilexample.com/", "not on the allow-list");
	}

	@Test
	void aSchemeAndAPortNarrowTheEntry() {
		AllowedHosts hosts = AllowedHosts.parse(List.of("http://127.0.0.1:8080", "https://*.docs.io"));

		allowed(hosts, "http://127.0.0.1:8080/x");
		refused(hosts, "https://127.0.0.1:8080/x", "not on the allow-list");
		refused(hosts, "http://127.0.0.1/x", "not on the allow-list");
		allowed(hosts, "https://spring.docs.io/");
		refused(hosts, "http://spring.docs.io/", "not on the allow-list");
	}

	@Test
	void onlyHttpUrlsWithAHostAndNoCredentialsAreFetched() {
		AllowedHosts hosts = AllowedHosts.parse(List.of("example.com"));

		refused(hosts, "ftp://example.com/file", "only http and https URLs can be fetched");
		refused(hosts, "file:///etc/passwd", "only http and https URLs can be fetched");
		refused(hosts, "https://user:secret@example.com/", "URLs with credentials (user:password@) cannot be fetched");
	}

	@Test
	void theRefusalListsWhatIsAllowed() {
		refused(AllowedHosts.parse(List.of("a.org", "*.b.org")), "https://c.org/", "(allowed: a.org, *.b.org)");
		refused(AllowedHosts.parse(List.of()), "https://c.org/", "(no host is allowed)");
	}

	@Test
	void anEntryThatIsNotAHostIsRejectedWithTheReason() {
		assertThatIllegalArgumentException().isThrownBy(() -> AllowedHosts.parse(List.of("ftp://example.com")))
			.withMessage("colony.worker.tools.http-fetch.allowed-hosts has an invalid entry 'ftp://example.com': "
					+ "the scheme must be http or https");
		assertThatIllegalArgumentException().isThrownBy(() -> AllowedHosts.parse(List.of("*")))
			.withMessageContaining("invalid entry '*'");
		assertThatIllegalArgumentException().isThrownBy(() -> AllowedHosts.parse(List.of("example.com/docs")))
			.withMessageContaining("invalid entry 'example.com/docs': not a host name with an optional port");
		assertThatIllegalArgumentException().isThrownBy(() -> AllowedHosts.parse(List.of("a.*.example.com")))
			.withMessageContaining("invalid entry 'a.*.example.com'");
	}

	private static void allowed(AllowedHosts hosts, String url) {
		assertThatCode(() -> hosts.check(URI.create(url))).as(url).doesNotThrowAnyException();
	}

	private static void refused(AllowedHosts hosts, String url, String reason) {
		assertThatThrownBy(() -> hosts.check(URI.create(url))).as(url)
			.isInstanceOf(ToolFailure.class)
			.hasMessageContaining(reason);
	}
}
