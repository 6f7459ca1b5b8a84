package io.colony.aggregator.identity;

import com.sun.net.httpserver.HttpServer;
import io.colony.contracts.AgentId;
import io.colony.contracts.AgentKey;
import io.colony.contracts.AgentView;
import io.colony.platform.identity.AgentKeyPair;
import io.colony.platform.identity.AgentKeys;
import io.colony.platform.messaging.MessageCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentKeyringTests {

	private static final AgentId AGENT = AgentId.of("agent-1");

	private final MessageCodec codec = new MessageCodec();

	private final AtomicInteger lookups = new AtomicInteger();

	private final AtomicReference<AgentView> served = new AtomicReference<>();

	private final AtomicInteger status = new AtomicInteger(200);

	private final MutableClock clock = new MutableClock();

	private HttpServer server;

	@AfterEach
	void stop() {
		if (server != null) {
			server.stop(0);
		}
	}

	@Test
	void aKeyAnnouncedInAHeartbeatNeedsNoLookupUntilItsCacheTimeEnds() throws Exception {
		AgentKeyPair key = AgentKeys.generate(Instant.now());
		serve();
		AgentKeyring keyring = keyring();

		keyring.announced(AGENT, List.of(key.publicKey()));

		assertThat(keyring.status(AGENT, key.keyId())).isInstanceOf(AgentKeyring.Valid.class);
		assertThat(lookups).hasValue(0);
		serve(key.publicKey());
		clock.advance(Duration.ofMinutes(11));
		assertThat(keyring.status(AGENT, key.keyId())).isInstanceOf(AgentKeyring.Valid.class);
		assertThat(lookups).hasValue(1);
	}

	@Test
	void aRevocationIsFinalWhateverHeartbeatsOrTheRegistrySayLater() throws Exception {
		AgentKeyPair key = AgentKeys.generate(Instant.now());
		serve(key.publicKey());
		AgentKeyring keyring = keyring();
		assertThat(keyring.status(AGENT, key.keyId())).isInstanceOf(AgentKeyring.Valid.class);

		keyring.revoke(AGENT, key.keyId());
		keyring.announced(AGENT, List.of(key.publicKey()));
		clock.advance(Duration.ofHours(1));

		assertThat(keyring.status(AGENT, key.keyId())).isEqualTo(AgentKeyring.Invalid.REVOKED);
	}

	@Test
	void anUnknownKeyIsAskedForOnceAndAgainOnlyAfterItsTimeOut() throws Exception {
		AgentKeyPair known = AgentKeys.generate(Instant.now());
		AgentKeyPair later = AgentKeys.generate(Instant.now());
		serve(known.publicKey());
		AgentKeyring keyring = keyring();

		assertThat(keyring.status(AGENT, later.keyId())).isEqualTo(AgentKeyring.Invalid.UNKNOWN);
		assertThat(keyring.status(AGENT, later.keyId())).isEqualTo(AgentKeyring.Invalid.UNKNOWN);
		assertThat(lookups).hasValue(1);

		served.set(view(known.publicKey(), later.publicKey()));
		clock.advance(Duration.ofSeconds(11));
		assertThat(keyring.status(AGENT, later.keyId())).isInstanceOf(AgentKeyring.Valid.class);
		assertThat(lookups).hasValue(2);
	}

	@Test
	void aKeyAnnouncedUnderAnotherKeysIdIsNotTrusted() throws Exception {
		AgentKeyPair real = AgentKeys.generate(Instant.now());
		AgentKeyPair impostor = AgentKeys.generate(Instant.now());
		AgentKey lie = new AgentKey(real.keyId(), AgentKey.ED25519, impostor.publicKey().publicKey(), Instant.now(),
				null);
		serve();
		AgentKeyring keyring = keyring();

		keyring.announced(AGENT, List.of(lie));

		assertThat(keyring.isTrusted(AGENT, real.keyId())).isFalse();
		assertThat(keyring.status(AGENT, real.keyId())).isEqualTo(AgentKeyring.Invalid.UNKNOWN);
	}

	@Test
	void aRegistryThatCannotAnswerLeavesTheResultUndecidedAndIsNotAskedAgainAtOnce() throws Exception {
		AgentKeyPair key = AgentKeys.generate(Instant.now());
		serve(key.publicKey());
		status.set(503);
		AgentKeyring keyring = keyring();

		assertThatThrownBy(() -> keyring.status(AGENT, key.keyId())).isInstanceOf(RegistryUnavailable.class)
			.hasMessageContaining("503");
		assertThatThrownBy(() -> keyring.status(AGENT, key.keyId())).isInstanceOf(RegistryUnavailable.class);
		assertThat(lookups).hasValue(1);

		status.set(200);
		clock.advance(Duration.ofSeconds(2));
		assertThat(keyring.status(AGENT, key.keyId())).isInstanceOf(AgentKeyring.Valid.class);
	}

	private AgentKeyring keyring() {
		RegistryClient client = new RegistryClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
				Duration.ofSeconds(5), codec);
		return new AgentKeyring(client, Duration.ofSeconds(5), Duration.ofMinutes(10), Duration.ofSeconds(10), clock);
	}

	private void serve(AgentKey... keys) throws Exception {
		served.set(view(keys));
		if (server != null) {
			return;
		}
		server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		server.createContext("/api/v1/registry/agents/", exchange -> {
			lookups.incrementAndGet();
			byte[] body = status.get() == 200 ? codec.encode(served.get()) : new byte[0];
			exchange.sendResponseHeaders(status.get(), body.length == 0 ? -1 : body.length);
			if (body.length > 0) {
				exchange.getResponseBody().write(body);
			}
			exchange.close();
		});
		server.start();
	}

	private static AgentView view(AgentKey... keys) {
		Instant now = Instant.now();
		return new AgentView(AGENT, "host:1", List.of(), 1, 0, "test", now, now, now.plusSeconds(10), List.of(keys));
	}

	private static final class MutableClock extends Clock {

		private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

		void advance(Duration duration) {
			now = now.plus(duration);
		}

		@Override
		public Instant instant() {
			return now;
		}

		@Override
		public java.time.ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}
	}
}
