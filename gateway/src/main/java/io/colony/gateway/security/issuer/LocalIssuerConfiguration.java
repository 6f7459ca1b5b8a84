package io.colony.gateway.security.issuer;

import io.colony.platform.identity.RsaSigningKeys;
import com.nimbusds.jose.jwk.RSAKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "colony.gateway.local-issuer.enabled", matchIfMissing = true)
class LocalIssuerConfiguration {

	private static final Logger log = LoggerFactory.getLogger(LocalIssuerConfiguration.class);

	@Bean
	LocalIssuer localIssuer(LocalIssuerProperties properties) {
		RSAKey key = properties.keyFile() == null ? RsaSigningKeys.generate()
				: RsaSigningKeys.loadOrCreate(properties.keyFile());
		log.info("local token issuer enabled: iss={}, kid={}, key {}", properties.issuer(), key.getKeyID(),
				properties.keyFile() == null ? "generated for this run only" : "from " + properties.keyFile());
		return new LocalIssuer(key, properties.issuer(), Clock.systemUTC());
	}
}
