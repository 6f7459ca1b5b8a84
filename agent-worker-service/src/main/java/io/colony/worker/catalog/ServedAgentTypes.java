package io.colony.worker.catalog;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The catalog's agent types this worker serves, by name, in catalog order. */
public final class ServedAgentTypes {

	private final Map<String, AgentType> types = new LinkedHashMap<>();

	public ServedAgentTypes(AgentCatalog catalog, List<String> serve) {
		if (serve.isEmpty()) {
			types.putAll(catalog.agentTypes());
		}
		for (String name : serve) {
			AgentType type = catalog.agentTypes().get(name);
			if (type == null) {
				throw new CatalogException("colony.worker.catalog.serve names agent type '" + name
						+ "', which the catalog does not declare (declared: " + String.join(", ", catalog.agentTypes().keySet()) + ")");
			}
			types.put(name, type);
		}
	}

	public Optional<AgentType> get(String name) {
		return Optional.ofNullable(types.get(name));
	}

	public List<AgentType> all() {
		return List.copyOf(types.values());
	}

	public List<String> names() {
		return List.copyOf(types.keySet());
	}

	/** The distinct capabilities served, in catalog order. */
	public List<String> capabilities() {
		return types.values().stream().map(AgentType::capability).distinct().toList();
	}
}
