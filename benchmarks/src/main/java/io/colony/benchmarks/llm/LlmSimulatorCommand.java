package io.colony.benchmarks.llm;

import io.colony.benchmarks.cli.Args;

import java.io.PrintStream;
import java.time.Duration;

/** {@code llm-simulator --port 8070 --latency-ms L [--host 127.0.0.1]}: serves until the process is stopped. */
public final class LlmSimulatorCommand {

	private LlmSimulatorCommand() {
	}

	public static int run(Args args, PrintStream err) {
		String host = args.string("host", "127.0.0.1");
		int port = args.integer("port", 8070, 0, 65_535);
		Duration latency = args.millis("latency-ms", 1000);
		args.requireAllKnown();
		LlmSimulator simulator = LlmSimulator.start(host, port, latency);
		Runtime.getRuntime().addShutdownHook(new Thread(simulator::close, "llm-simulator-stop"));
		err.println("LLM simulator on " + simulator.baseUrl() + " (OpenAI-compatible: POST /v1/chat/completions, "
				+ "GET /v1/models, GET /stats), latency " + latency.toMillis() + " ms");
		simulator.awaitClose();
		return 0;
	}
}
