package io.colony.infra;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The part of Kustomize the manifests use, so that the tests check what {@code kubectl apply -k} would apply
 * without a {@code kustomize} binary: {@code resources} (files and directories with a kustomization),
 * {@code namespace}, {@code images} (newName/newTag of containers' images) and {@code patches} given by
 * {@code path} as strategic merge patches (maps merge, {@code null} deletes, the lists Kubernetes merges by key
 * are merged by that key with new items first, other lists and every list of a custom resource are replaced).
 * A kustomization using anything else fails here, so the renderer cannot silently differ from Kustomize;
 * {@code ToolCrossCheckTests} compares it with {@code kubectl kustomize} where that is installed.
 */
final class Kustomize {

	private static final Set<String> SUPPORTED = Set.of("apiVersion", "kind", "resources", "namespace", "patches",
			"images");

	/** Merge keys of the built-in kinds' lists the patches touch (Kubernetes' patchMergeKey). */
	private static final Map<String, String> MERGE_KEYS = Map.of("containers", "name", "initContainers", "name",
			"volumes", "name", "env", "name", "volumeMounts", "mountPath", "ports", "containerPort",
			"topologySpreadConstraints", "topologyKey");

	private Kustomize() {
	}

	/** The objects {@code kubectl kustomize dir} prints, as YAML maps. */
	static List<Map<String, Object>> render(Path dir) {
		Map<String, Object> kustomization = loadOne(dir.resolve("kustomization.yaml"));
		for (String key : kustomization.keySet()) {
			if (!SUPPORTED.contains(key)) {
				throw new IllegalStateException(dir + "/kustomization.yaml uses '" + key
						+ "', which this test's renderer does not implement");
			}
		}
		List<Map<String, Object>> objects = new ArrayList<>();
		for (Object resource : list(kustomization.get("resources"))) {
			Path path = dir.resolve((String) resource).normalize();
			if (Files.isDirectory(path)) {
				objects.addAll(render(path));
			}
			else {
				objects.addAll(loadAll(path));
			}
		}
		for (Object entry : list(kustomization.get("patches"))) {
			Map<String, Object> patch = map(entry);
			if (!patch.keySet().equals(Set.of("path"))) {
				throw new IllegalStateException(dir + ": only patches given by path are implemented, not " + patch.keySet());
			}
			for (Map<String, Object> document : loadAll(dir.resolve((String) patch.get("path")))) {
				Map<String, Object> target = find(objects, kind(document), name(document));
				// a built-in kind's API group has no dot (v1, apps/v1, autoscaling/v2); custom resources' do
				String apiVersion = String.valueOf(target.get("apiVersion"));
				boolean builtIn = !(apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "")
					.contains(".");
				mergeInto(target, document, builtIn);
			}
		}
		Object namespace = kustomization.get("namespace");
		if (namespace != null) {
			for (Map<String, Object> object : objects) {
				if (!"Namespace".equals(kind(object))) {
					map(object.get("metadata")).put("namespace", namespace);
				}
			}
		}
		for (Object entry : list(kustomization.get("images"))) {
			Map<String, Object> image = map(entry);
			for (Map<String, Object> object : objects) {
				for (Map<String, Object> container : containers(object)) {
					String current = (String) container.get("image");
					String name = current.replaceFirst("[:@].*$", "");
					if (name.equals(image.get("name"))) {
						String newName = (String) image.getOrDefault("newName", name);
						String tag = current.contains(":") ? current.substring(current.indexOf(':') + 1) : null;
						Object newTag = image.getOrDefault("newTag", tag);
						container.put("image", newTag == null ? newName : newName + ":" + newTag);
					}
				}
			}
		}
		return objects;
	}

	static String kind(Map<String, Object> object) {
		return (String) object.get("kind");
	}

	static String name(Map<String, Object> object) {
		return (String) map(object.get("metadata")).get("name");
	}

	/** Containers of a workload's pod template (the only images the manifests have). */
	static List<Map<String, Object>> containers(Map<String, Object> object) {
		if (!Set.of("Deployment", "StatefulSet", "DaemonSet", "Job").contains(kind(object))) {
			return List.of();
		}
		Map<String, Object> podSpec = map(map(map(object.get("spec")).get("template")).get("spec"));
		List<Map<String, Object>> containers = new ArrayList<>();
		list(podSpec.get("initContainers")).forEach(c -> containers.add(map(c)));
		list(podSpec.get("containers")).forEach(c -> containers.add(map(c)));
		return containers;
	}

	static Map<String, Object> loadOne(Path file) {
		List<Map<String, Object>> documents = loadAll(file);
		if (documents.size() != 1) {
			throw new IllegalStateException(file + " should hold one YAML document, holds " + documents.size());
		}
		return documents.getFirst();
	}

	static List<Map<String, Object>> loadAll(Path file) {
		try {
			List<Map<String, Object>> documents = new ArrayList<>();
			for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(Files.readString(file))) {
				if (document != null) {
					documents.add(map(document));
				}
			}
			return documents;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Map<String, Object> find(List<Map<String, Object>> objects, String kind, String name) {
		List<Map<String, Object>> found = objects.stream()
			.filter(o -> kind.equals(kind(o)) && name.equals(name(o)))
			.toList();
		if (found.size() != 1) {
			throw new IllegalStateException("a patch targets " + kind + "/" + name + ", which matches " + found.size()
					+ " objects");
		}
		return found.getFirst();
	}

	private static void mergeInto(Map<String, Object> target, Map<String, Object> patch, boolean builtIn) {
		for (Map.Entry<String, Object> entry : patch.entrySet()) {
			String key = entry.getKey();
			Object value = entry.getValue();
			if (key.startsWith("$")) {
				throw new IllegalStateException("patch directive " + key + " is not implemented");
			}
			Object current = target.get(key);
			if (value == null) {
				target.remove(key);
			}
			else if (value instanceof Map<?, ?> && current instanceof Map<?, ?>) {
				mergeInto(map(current), map(value), builtIn);
			}
			else if (value instanceof List<?> patchList && current instanceof List<?> currentList && builtIn
					&& MERGE_KEYS.containsKey(key)) {
				target.put(key, mergeLists(currentList, patchList, MERGE_KEYS.get(key), builtIn));
			}
			else {
				target.put(key, value);
			}
		}
	}

	/** Kubernetes' strategic merge of a keyed list: matching items merge in place, new ones go first. */
	private static List<Object> mergeLists(List<?> current, List<?> patch, String mergeKey, boolean builtIn) {
		List<Object> merged = new ArrayList<>();
		List<Object> added = new ArrayList<>();
		List<Map<String, Object>> copies = new ArrayList<>();
		current.forEach(item -> copies.add(new LinkedHashMap<>(map(item))));
		for (Object item : patch) {
			Map<String, Object> patchItem = map(item);
			Map<String, Object> match = copies.stream()
				.filter(c -> Objects.equals(c.get(mergeKey), patchItem.get(mergeKey)))
				.findFirst()
				.orElse(null);
			if (match == null) {
				added.add(new LinkedHashMap<>(patchItem));
			}
			else {
				mergeInto(match, patchItem, builtIn);
			}
		}
		merged.addAll(added);
		merged.addAll(copies);
		return merged;
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> map(Object value) {
		return value == null ? new LinkedHashMap<>() : (Map<String, Object>) value;
	}

	static List<?> list(Object value) {
		return value == null ? List.of() : (List<?>) value;
	}
}
