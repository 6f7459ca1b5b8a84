package io.colony.benchmarks;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BenchmarksTests {

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	@Test
	void theDemoSaysPlainlyWhenNoGatewayIsRunning() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = socket.getLocalPort();
		}

		int status = run("demo", "--gateway", "http://127.0.0.1:" + port, "--inputs", "5");

		assertThat(status).isEqualTo(1);
		assertThat(err()).isEqualTo("error: gateway not reachable at http://127.0.0.1:" + port + " - run ./colony up\n");
		assertThat(out()).isEmpty();
	}

	@Test
	void aWrongCommandLineIsExplainedWithTheUsage() {
		assertThat(run("bench", "scatter-gather", "--tasks", "many")).isEqualTo(64);
		assertThat(err()).startsWith("error: --tasks must be a whole number").contains("usage:");

		err.reset();
		assertThat(run("bench", "residents", "--agents", "0")).isEqualTo(64);
		assertThat(err()).startsWith("error: --agents must be between 1 and 10000000");

		err.reset();
		assertThat(run("bench", "residents", "--agent", "10")).isEqualTo(64);
		assertThat(err()).startsWith("error: unknown option --agent");

		err.reset();
		assertThat(run("bench", "scatter-gather", "--console-screenshot", "fleet.jpg")).isEqualTo(64);
		assertThat(err()).startsWith("error: --console-screenshot must name a .png file, was fleet.jpg");

		err.reset();
		assertThat(run("fly")).isEqualTo(64);
		assertThat(err()).startsWith("error: unknown command 'fly'");
	}

	private int run(String... arguments) {
		return Benchmarks.run(List.of(arguments), new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	private String out() {
		return out.toString(StandardCharsets.UTF_8);
	}

	private String err() {
		return err.toString(StandardCharsets.UTF_8);
	}
}
