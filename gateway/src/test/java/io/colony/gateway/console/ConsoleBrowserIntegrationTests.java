package io.colony.gateway.console;

import io.colony.contracts.AgentId;
import io.colony.contracts.CredentialApprovalRequested;
import io.colony.contracts.CredentialEvent;
import io.colony.contracts.CredentialRequestId;
import io.colony.contracts.CredentialRevoked;
import io.colony.contracts.Destinations;
import io.colony.contracts.JobId;
import io.colony.contracts.LeaseId;
import io.colony.contracts.TaskId;
import io.colony.contracts.TenantId;
import io.colony.gateway.credentials.FakeCredentialService;
import io.colony.gateway.credentials.TestTokens;
import io.colony.platform.messaging.MessagePublisher;
import io.colony.platform.messaging.Outgoing;
import io.colony.platform.testing.Await;
import io.colony.platform.testing.ColonyTestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.chrome.ChromeDriver;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.FileSystemUtils;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The operator console in a real headless Chromium, against the gateway with a real RabbitMQ vhost (the live
 * events) and {@link FakeCredentialService} behind the operator API. The whole mesh's console test belongs to the
 * system tests; {@link ConsolePage}, {@link HeadlessChromium} and {@link DroppingProxy} are made to be copied there.
 * Screenshots of each step go to {@code target/console-screenshots/}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserIntegrationTests {

	static final ColonyTestEnvironment env = ColonyTestEnvironment.create();

	static final FakeCredentialService credentials = FakeCredentialService.start();

	static final Path keyFile = tempDir().resolve("issuer/local-issuer.jwk");

	static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

	static final String APPROVE = "credentials:approve";

	static final String KEY_PREFIX = "colony:test:" + UUID.randomUUID() + ":";

	@DynamicPropertySource
	static void colony(DynamicPropertyRegistry registry) {
		env.properties().forEach((key, value) -> registry.add(key, () -> value));
		registry.add("colony.gateway.credentials-url", credentials::url);
		registry.add("colony.gateway.local-issuer.key-file", keyFile::toString);
		// this class's own rate-limit keys in the shared Redis (they expire a minute after the last request)
		registry.add("colony.gateway.limits.key-prefix", () -> KEY_PREFIX);
	}

	@LocalServerPort
	int port;

	@Autowired
	MessagePublisher publisher;

	WebTestClient web;

	TestTokens tokens;

	DroppingProxy proxy;

	ChromeDriver driver;

	Path profile;

	ConsolePage console;

	@BeforeAll
	void start() {
		web = WebTestClient.bindToServer().baseUrl(gateway()).responseTimeout(Duration.ofSeconds(30)).build();
		tokens = TestTokens.fromKeyFile(keyFile);
		// the browser reaches the gateway through a proxy that can cut its connections
		proxy = DroppingProxy.to(port);
		if (HeadlessChromium.available()) {
			profile = HeadlessChromium.newProfile();
			driver = HeadlessChromium.start(profile);
			console = new ConsolePage(driver, Duration.ofSeconds(20));
		}
	}

	@BeforeEach
	void forgetEarlierTests() {
		credentials.reset();
	}

	@AfterEach
	void noPolicyViolations() {
		if (driver != null) {
			assertThat(console.securityPolicyViolations()).as("CSP / Trusted Types violations in the browser").isEmpty();
			driver.executeScript("sessionStorage.clear();");
		}
	}

	@AfterAll
	void stop() {
		if (driver != null) {
			driver.quit();
		}
		if (profile != null) {
			FileSystemUtils.deleteRecursively(profile.toFile());
		}
		proxy.close();
		credentials.close();
		env.close();
	}

	// ---- the page itself (no browser needed) ------------------------------------------------------------------

	@Test
	void theConsoleIsServedOpenlyWithAStrictPolicy() {
		web.get().uri("/console").exchange()
			.expectStatus().isEqualTo(301)
			.expectHeader().location("/console/");
		String page = web.get().uri("/console/").exchange()
			.expectStatus().isOk()
			.expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
			.expectHeader().value("Content-Security-Policy", policy -> assertThat(policy)
				.contains("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'",
						"require-trusted-types-for 'script'")
				.doesNotContain("unsafe-inline", "unsafe-eval"))
			.expectHeader().valueEquals("Referrer-Policy", "no-referrer")
			.expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
			.expectBody(String.class).returnResult().getResponseBody();
		// no inline script or style, no event-handler attributes: everything comes from console.js / console.css
		assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)").matcher(page).find()).isFalse();
		assertThat(page).doesNotContain("<style", " style=", " onclick=", " onload=", "javascript:");

		web.get().uri("/console/console.js").exchange()
			.expectStatus().isOk()
			.expectHeader().contentTypeCompatibleWith(MediaType.parseMediaType("text/javascript"))
			.expectHeader().exists("Content-Security-Policy");
		web.get().uri("/console/console.css").exchange()
			.expectStatus().isOk()
			.expectHeader().contentTypeCompatibleWith(MediaType.parseMediaType("text/css"));
		String script = web.get().uri("/console/console.js").exchange().expectBody(String.class).returnResult()
			.getResponseBody();
		assertThat(script).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(");
	}

	// ---- in the browser ---------------------------------------------------------------------------------------

	@Test
	void aRequestPublishedOnTheBrokerAppearsLiveAndIsApprovedNarrowed() {
		browser();
		String token = tokens.token("acme", APPROVE);
		console.open(proxy.url(), token);
		assertThat(console.currentUrl()).as("the token leaves the address bar").doesNotContain("token=")
			.endsWith("/console/");
		assertThat(console.storedToken()).isEqualTo(token);
		assertThat(console.sessionTenant()).isEqualTo("acme");
		console.screenshot(SCREENSHOTS, "01-signed-in");

		CredentialApprovalRequested foreign = publishPending("globex", "billing");
		CredentialApprovalRequested request = publishPending("acme", "inventory");
		console.waitForPendingRequest(request.requestId().toString());
		assertThat(console.pendingRequestIds()).containsExactly(request.requestId().toString())
			.doesNotContain(foreign.requestId().toString());
		String id = request.requestId().toString();
		assertThat(console.pendingRequestField(id, "request-agent")).isEqualTo("worker-acme");
		assertThat(console.pendingRequestField(id, "request-resource")).isEqualTo("inventory");
		assertThat(console.pendingRequestField(id, "request-job")).isEqualTo(request.jobId().toString());
		assertThat(console.pendingRequestField(id, "request-justification")).isEqualTo(request.justification());
		assertThat(console.checkedScopes(id)).containsExactly("inventory:write", "inventory:read");
		console.screenshot(SCREENSHOTS, "02-pending-request");

		console.withhold(id, "inventory:read").setTtlSeconds(id, 300).note(id, "for the stock fix").approve(id);

		console.waitUntilPendingRequestGone(id);
		Map<String, Object> approval = lastBody("POST", "/api/v1/credentials/requests/" + id + "/approve");
		assertThat(approval).containsEntry("scope", List.of("inventory:write"))
			.containsEntry("ttl", "PT300S")
			.containsEntry("note", "for the stock fix");
		assertThat(lastAuthorization("POST", "/api/v1/credentials/requests/" + id)).isEqualTo("Bearer " + token);
		String leaseId = (String) credentials.request(id).get("leaseId");
		console.waitForLease(leaseId);
		assertThat(console.leaseField(leaseId, "lease-scope")).isEqualTo("inventory:write");
		long left = console.leaseSecondsLeft(leaseId);
		assertThat(left).isBetween(200L, 300L);
		Await.until(console.timeout(), "the lease's countdown to tick", () -> console.leaseSecondsLeft(leaseId) < left);
		console.waitForAuditEntries(2);
		assertThat(console.auditKinds()).startsWith("decided", "requested");
		console.screenshot(SCREENSHOTS, "03-approved-lease");
	}

	@Test
	void aDenialNeedsAndSendsItsReason() {
		browser();
		console.open(proxy.url(), tokens.token("acme", APPROVE));
		CredentialApprovalRequested request = publishPending("acme", "payments");
		String id = request.requestId().toString();
		console.waitForPendingRequest(id);

		console.deny(id, null);
		assertThat(console.cardError(id)).contains("Say why");
		assertThat(credentials.received("POST", "/api/v1/credentials/requests/" + id)).isEmpty();

		console.deny(id, "not during the freeze");
		console.waitUntilPendingRequestGone(id);
		assertThat(lastBody("POST", "/api/v1/credentials/requests/" + id + "/deny"))
			.isEqualTo(Map.of("reason", "not during the freeze"));
		assertThat(credentials.request(id)).containsEntry("status", "DENIED");
		console.screenshot(SCREENSHOTS, "04-denied");
	}

	@Test
	void anOperatorRevokesALeaseAndARevocationElsewhereRemovesOneLive() {
		browser();
		CredentialApprovalRequested first = approvalRequested("acme", "inventory");
		CredentialApprovalRequested second = approvalRequested("acme", "crm");
		String revoked = credentials.granted(first, Duration.ofMinutes(10));
		String revokedElsewhere = credentials.granted(second, Duration.ofMinutes(10));
		console.open(proxy.url(), tokens.token("acme", APPROVE));
		console.waitForLease(revoked);
		console.waitForLease(revokedElsewhere);
		console.screenshot(SCREENSHOTS, "05-active-leases");

		console.revoke(revoked, "agent misbehaved");
		console.waitUntilLeaseGone(revoked);
		assertThat(lastBody("POST", "/api/v1/credentials/leases/" + revoked + "/revoke"))
			.isEqualTo(Map.of("reason", "agent misbehaved"));
		assertThat(credentials.lease(revoked)).containsEntry("status", "REVOKED");

		publish(new CredentialRevoked(LeaseId.parse(revokedElsewhere), second.requestId(), second.tenant(),
				second.agentId(), "operator-2", "rotated", Instant.now()));
		console.waitUntilLeaseGone(revokedElsewhere);
	}

	@Test
	void theAuditTrailShowsWhetherItsChainHolds() {
		browser();
		credentials.chainIsValid();
		credentials.pending(approvalRequested("acme", "inventory"));
		console.open(proxy.url(), tokens.token("acme", APPROVE));
		console.waitForAuditState("valid");
		assertThat(console.auditStatus()).contains("Chain intact").contains("checkpoint #1");
		assertThat(console.auditKinds()).isNotEmpty();

		credentials.chainIsBrokenAt(3, "hash does not match the previous entry");
		console.reverifyAudit();
		assertThat(console.auditState()).isEqualTo("invalid");
		assertThat(console.auditStatus()).contains("entry #3").contains("hash does not match the previous entry");
		console.screenshot(SCREENSHOTS, "06-audit-broken");
		credentials.chainIsValid();
	}

	@Test
	void theApisRefusalIsShownWithItsDetail() {
		browser();
		console.open(proxy.url(), tokens.token("acme", APPROVE));
		CredentialApprovalRequested request = publishPending("acme", "inventory");
		String id = request.requestId().toString();
		console.waitForPendingRequest(id);

		console.setTtlSeconds(id, 3600).approve(id);
		assertThat(console.cardError(id)).contains("from 1 to 900");
		assertThat(credentials.received("POST", "/api/v1/credentials/requests/" + id)).isEmpty();

		credentials.decidedElsewhere(id, "GRANTED", "operator-2");
		console.setTtlSeconds(id, 600).approve(id);
		assertThat(console.errorDetail()).isEqualTo("request " + id + " was already GRANTED by operator-2");
		assertThat(console.errorProblemType()).isEqualTo("urn:colony:problem:already-decided");
		console.screenshot(SCREENSHOTS, "07-already-decided");
		// decided elsewhere: the page reloads the pending list, which no longer holds it
		console.waitUntilPendingRequestGone(id);
		console.dismissError();
	}

	@Test
	void aDroppedStreamReconnectsAndCatchesUp() {
		browser();
		console.open(proxy.url(), tokens.token("acme", APPROVE));
		console.waitForAuditState("valid");
		CredentialApprovalRequested missed = approvalRequested("acme", "inventory");

		proxy.dropAll();
		Await.until(console.timeout(), "the page to notice the drop", () -> !"live".equals(console.connectionState()));
		// recorded while the page is cut off: it is only in the credential service, no event will announce it
		credentials.pending(missed);
		console.waitUntilLive();
		console.waitForPendingRequest(missed.requestId().toString());

		CredentialApprovalRequested live = publishPending("acme", "crm");
		console.waitForPendingRequest(live.requestId().toString());
		console.screenshot(SCREENSHOTS, "08-reconnected");
	}

	@Test
	void withoutAUsableTokenThePageAsksForOne() {
		browser();
		console.openWithoutToken(proxy.url(), "/console");
		assertThat(console.currentUrl()).endsWith("/console/");
		console.screenshot(SCREENSHOTS, "00-sign-in");

		console.signIn("not-a-token").waitUntilAskedForAToken();
		assertThat(console.errorProblemType()).isEqualTo("urn:colony:problem:invalid-token");
		assertThat(console.storedToken()).isNull();

		console.signIn(tokens.token("acme", "jobs:read jobs:write"));
		assertThat(console.errorProblemType()).isEqualTo("urn:colony:problem:insufficient-scope");
		console.waitUntilAskedForAToken();
		console.dismissError();

		console.signIn(tokens.token("acme", APPROVE)).waitUntilLive();
		assertThat(console.asksForAToken()).isFalse();
	}

	// ---- helpers ----------------------------------------------------------------------------------------------

	private void browser() {
		assumeTrue(driver != null, "no headless browser: " + HeadlessChromium.BROWSER + " and "
				+ HeadlessChromium.DRIVER + " are needed (Debian packages chromium and chromium-driver)");
	}

	private CredentialApprovalRequested publishPending(String tenant, String resource) {
		CredentialApprovalRequested event = approvalRequested(tenant, resource);
		credentials.pending(event);
		publish(event);
		return event;
	}

	private static CredentialApprovalRequested approvalRequested(String tenant, String resource) {
		Instant now = Instant.now();
		return new CredentialApprovalRequested(CredentialRequestId.random(), TenantId.of(tenant),
				AgentId.of("worker-" + tenant), JobId.random(), TaskId.random(), resource,
				List.of(resource + ":write", resource + ":read"), Duration.ofMinutes(15),
				"update the stock level of <b>SKU-42</b> & friends", now, now.plus(Duration.ofMinutes(15)));
	}

	private void publish(CredentialEvent event) {
		TenantId tenant = switch (event) {
			case CredentialApprovalRequested e -> e.tenant();
			case CredentialRevoked e -> e.tenant();
			default -> throw new IllegalArgumentException(event.toString());
		};
		publisher.publish(Outgoing.to(Destinations.CREDENTIALS, event.routingKey(), event).withTenant(tenant)).join();
	}

	private Map<String, Object> lastBody(String method, String path) {
		List<FakeCredentialService.Received> received = credentials.received(method, path);
		assertThat(received).as(method + " " + path + " reached the credential service").isNotEmpty();
		return JsonMapper.builder().build().readValue(received.getLast().body(), new TypeReference<Map<String, Object>>() {
		});
	}

	private String lastAuthorization(String method, String path) {
		return credentials.received(method, path).getLast().authorization();
	}

	private String gateway() {
		return "http://127.0.0.1:" + port;
	}

	private static Path tempDir() {
		try {
			return Files.createTempDirectory("colony-gateway-console-it");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
