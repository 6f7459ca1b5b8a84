package io.colony.worker.tool.resource;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ResourcesPropertiesTests {

	@Test
	void aResourceNeedsANameUsableInAScopeAndAPlainHttpBaseUrl() {
		ResourcesProperties.Resource defaults = new ResourcesProperties.Resource(URI.create("https://inv.internal/api"),
				null, null, null);
		assertThat(new ResourcesProperties(Map.of("inventory", defaults)).resources().get("inventory"))
			.extracting(ResourcesProperties.Resource::ttl, ResourcesProperties.Resource::timeout)
			.containsExactly(Duration.ofMinutes(5), Duration.ofSeconds(10));
		assertThat(new ResourcesProperties(null).resources()).isEmpty();

		assertThatIllegalArgumentException().isThrownBy(() -> new ResourcesProperties(Map.of("Inventory:admin", defaults)))
			.withMessageContaining("invalid name 'Inventory:admin'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ResourcesProperties(Map.of("inventory",
					new ResourcesProperties.Resource(URI.create("https://user:secret@inv.internal/api"), null, null, null))))
			.withMessageContaining("colony.worker.tools.resources.inventory.base-url must be an http or https URL");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ResourcesProperties(Map.of("inventory",
					new ResourcesProperties.Resource(null, null, null, null))))
			.withMessage("colony.worker.tools.resources.inventory.base-url is required");
	}
}
