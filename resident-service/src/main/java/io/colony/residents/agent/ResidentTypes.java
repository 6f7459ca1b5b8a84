package io.colony.residents.agent;

import org.springframework.core.io.Resource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The resident agent types a deployment declares ({@code colony.residents.types-location}). */
public final class ResidentTypes {

	private static final YAMLMapper YAML = YAMLMapper.builder()
		.propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
		.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	private final Map<String, ResidentType> types;

	public ResidentTypes(Map<String, ResidentType> types) {
		this.types = Collections.unmodifiableMap(new LinkedHashMap<>(types));
	}

	record Document(Map<String, Entry> types) {
	}

	record Entry(String systemPrompt, Integer contextBudget, Integer recentTurns, CheckInEntry checkIn) {
	}

	record CheckInEntry(String fact, Duration every, String content) {
	}

	public static ResidentTypes load(Resource resource) {
		try (InputStream in = resource.getInputStream()) {
			return parse(in, resource.getDescription());
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot read resident agent types from " + resource.getDescription(), ex);
		}
	}

	static ResidentTypes parse(InputStream yaml, String source) {
		Document document;
		try {
			document = YAML.readValue(yaml, Document.class);
		}
		catch (JacksonException ex) {
			throw new IllegalStateException("resident agent types " + source + " are not valid: " + ex.getOriginalMessage());
		}
		if (document == null || document.types() == null || document.types().isEmpty()) {
			throw new IllegalStateException("resident agent types " + source + " declare no types");
		}
		Map<String, ResidentType> types = new LinkedHashMap<>();
		document.types().forEach((name, entry) -> {
			if (entry.systemPrompt() == null || entry.systemPrompt().isBlank()) {
				throw new IllegalStateException("resident type '" + name + "' in " + source + " has no system-prompt");
			}
			int budget = entry.contextBudget() == null ? 2000 : entry.contextBudget();
			int recent = entry.recentTurns() == null ? 20 : entry.recentTurns();
			if (budget < 50 || recent < 1) {
				throw new IllegalStateException("resident type '" + name + "' in " + source
						+ " needs context-budget >= 50 and recent-turns >= 1");
			}
			ResidentType.CheckIn checkIn = null;
			if (entry.checkIn() != null) {
				CheckInEntry c = entry.checkIn();
				if (c.fact() == null || c.every() == null || c.every().toSeconds() < 60 || c.content() == null) {
					throw new IllegalStateException("resident type '" + name + "' in " + source
							+ ": check-in needs fact, every (at least PT1M) and content");
				}
				checkIn = new ResidentType.CheckIn(c.fact(), c.every(), c.content());
			}
			// names are interned so that every in-memory agent of a type shares one string
			types.put(name.intern(), new ResidentType(name.intern(), entry.systemPrompt().strip(), budget, recent, checkIn));
		});
		return new ResidentTypes(types);
	}

	public Optional<ResidentType> find(String name) {
		return Optional.ofNullable(name == null ? null : types.get(name));
	}

	/** The type of a stored agent; an agent whose type was removed from the declaration runs as the first type. */
	public ResidentType resolve(String name) {
		ResidentType type = name == null ? null : types.get(name);
		return type != null ? type : types.values().iterator().next();
	}

	/** The declared type's own (interned) name string, or the given one. */
	public String canonicalName(String name) {
		ResidentType type = types.get(name);
		return type != null ? type.name() : name;
	}

	public java.util.Set<String> names() {
		return types.keySet();
	}
}
