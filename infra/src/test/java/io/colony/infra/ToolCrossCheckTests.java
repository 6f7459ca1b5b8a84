package io.colony.infra;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The same files through the real tools, where they are installed (skipped otherwise; Debian packages
 * {@code kubectl} and {@code prometheus} provide them): {@code kubectl kustomize} renders each overlay exactly as
 * {@link Kustomize} does, {@code promtool} accepts the rules and its unit tests of them
 * ({@code prometheus/alerts.test.yml}: each alert fires when it should and no other does) pass.
 */
class ToolCrossCheckTests {

	@ParameterizedTest
	@ValueSource(strings = { "base", "overlays/local", "overlays/production" })
	void kubectlKustomizeRendersWhatTheTestsCheck(String directory) throws Exception {
		assumeTrue(onPath("kubectl"), "kubectl is not installed");
		Result rendered = run("kubectl", "kustomize", KubernetesManifestsTests.K8S.resolve(directory).toString());
		assertThat(rendered.exitCode()).as(rendered.output()).isZero();
		Map<String, Object> byKubectl = byId(new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(rendered.output()));
		Map<String, Object> byTests = byId(Kustomize.render(KubernetesManifestsTests.K8S.resolve(directory)));
		assertThat(byTests.keySet()).isEqualTo(byKubectl.keySet());
		for (String id : byKubectl.keySet()) {
			assertThat(byTests.get(id)).as(id).isEqualTo(byKubectl.get(id));
		}
	}

	@Test
	void promtoolAcceptsTheRulesAndTheirUnitTestsPass() throws Exception {
		assumeTrue(onPath("promtool"), "promtool is not installed");
		Result check = run("promtool", "check", "rules", ObservabilityTests.ALERTS.toString());
		assertThat(check.exitCode()).as(check.output()).isZero();
		Result tests = run("promtool", "test", "rules", "prometheus/alerts.test.yml");
		assertThat(tests.exitCode()).as(tests.output()).isZero();
		assertThat(tests.output()).contains("SUCCESS");
	}

	record Result(int exitCode, String output) {
	}

	static Result run(String... command) throws IOException, InterruptedException {
		Path output = Files.createTempFile("infra-tool", ".out");
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
			if (!process.waitFor(2, TimeUnit.MINUTES)) {
				process.destroyForcibly();
				throw new AssertionError(String.join(" ", command) + " did not finish within 2 minutes");
			}
			return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
		}
		finally {
			Files.deleteIfExists(output);
		}
	}

	static boolean onPath(String executable) {
		for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			if (Files.isExecutable(Path.of(directory, executable))) {
				return true;
			}
		}
		return false;
	}

	static Map<String, Object> byId(Iterable<?> objects) {
		Map<String, Object> byId = new TreeMap<>();
		for (Object object : objects) {
			if (object != null) {
				Map<String, Object> map = Kustomize.map(object);
				Object namespace = Kustomize.map(map.get("metadata")).get("namespace");
				byId.put(Kustomize.kind(map) + "/" + namespace + "/" + Kustomize.name(map), map);
			}
		}
		return byId;
	}

	static Map<String, Object> byId(List<Map<String, Object>> objects) {
		return byId((Iterable<?>) objects);
	}
}
