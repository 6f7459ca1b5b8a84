package io.colony.credentials.token;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/** The public key of issued tokens, for the resources that verify them. Open: it holds no secret. */
@RestController
class JwksController {

	private final TokenMinter minter;

	JwksController(TokenMinter minter) {
		this.minter = minter;
	}

	@GetMapping(path = "/api/v1/credentials/jwks", produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, Object>> jwks() {
		// no caching: without a key file the key changes with every restart
		return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(minter.jwks());
	}
}
