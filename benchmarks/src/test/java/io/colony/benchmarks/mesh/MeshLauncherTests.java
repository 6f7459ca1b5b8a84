package io.colony.benchmarks.mesh;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MeshLauncherTests {

	@Test
	void portsDeriveFromTheBasePortLikeTheStandardLayout() {
		MeshOptions standard = MeshOptions.defaults().withBasePort(8080).withWorkers(3);

		assertThat(standard.gatewayPort()).isEqualTo(8080);
		assertThat(standard.registryPort()).isEqualTo(8081);
		assertThat(standard.orchestratorPort()).isEqualTo(8082);
		assertThat(standard.aggregatorPort()).isEqualTo(8083);
		assertThat(standard.credentialsPort()).isEqualTo(8084);
		assertThat(standard.residentsPort()).isEqualTo(8085);
		assertThat(standard.workerPort(1)).isEqualTo(8091);
		assertThat(standard.workerPort(3)).isEqualTo(8093);
		assertThat(MeshOptions.defaults().gatewayPort()).isEqualTo(18080);
	}

	@Test
	void namesEveryMissingJarAndHowToBuildIt(@TempDir Path root) {
		MeshOptions options = MeshOptions.defaults().withBasePort(38080);
		MeshOptions empty = new MeshOptions(root, 38080, 1, options.simulatedLatency(), null, root.resolve("logs"),
				options.startTimeout(), options.workerArguments(), options.jvmArguments());

		assertThatThrownBy(() -> MeshLauncher.start(empty, line -> {
		})).isInstanceOf(MeshStartFailed.class)
			.hasMessageContaining("service jar missing")
			.hasMessageContaining(root.resolve("gateway/target/gateway.jar").toString())
			.hasMessageContaining(root.resolve("resident-service/target/resident-service.jar").toString())
			.hasMessageContaining("mvn -o -q -B -pl agent-worker-service package -DskipTests");
	}

	@Test
	void refusesToStartOnATakenPort(@TempDir Path root) throws IOException {
		for (String module : new String[] { "registry-service", "credential-service", "orchestrator-service",
				"aggregator-service", "resident-service", "agent-worker-service", "gateway" }) {
			Files.createDirectories(root.resolve(module).resolve("target"));
			Files.writeString(root.resolve(module).resolve("target").resolve(module + ".jar"), "not really a jar");
		}
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			// the gateway's port is checked first
			int base = taken.getLocalPort();
			MeshOptions options = MeshOptions.defaults();
			MeshOptions onTakenPort = new MeshOptions(root, base, 1, options.simulatedLatency(), null,
					root.resolve("logs"), options.startTimeout(), options.workerArguments(), options.jvmArguments());

			assertThatThrownBy(() -> MeshLauncher.start(onTakenPort, line -> {
			})).isInstanceOf(MeshStartFailed.class).hasMessageContaining("port " + taken.getLocalPort() + " is in use");
		}
	}

	@Test
	void logTailsShowTheLastLines(@TempDir Path directory) throws IOException {
		Path log = directory.resolve("x.log");
		Files.writeString(log, "one\ntwo\nthree\n");

		assertThat(MeshLauncher.tail(log, 2)).isEqualTo("two\nthree");
		assertThat(MeshLauncher.tail(directory.resolve("missing.log"), 2)).contains("no log at");
	}
}
