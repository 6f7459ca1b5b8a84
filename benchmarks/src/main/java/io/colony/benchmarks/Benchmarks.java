package io.colony.benchmarks;

import io.colony.benchmarks.bench.CredentialRevocationBench;
import io.colony.benchmarks.bench.PriorityBench;
import io.colony.benchmarks.bench.RateLimitBench;
import io.colony.benchmarks.bench.ResidentsBench;
import io.colony.benchmarks.bench.ScatterGatherBench;
import io.colony.benchmarks.bench.SigningBench;
import io.colony.benchmarks.bench.WorkerInflightBench;
import io.colony.benchmarks.cli.Args;
import io.colony.benchmarks.cli.CommandFailed;
import io.colony.benchmarks.cli.UsageError;
import io.colony.benchmarks.demo.DemoCommand;
import io.colony.benchmarks.github.GitHubSimCommand;
import io.colony.benchmarks.llm.LlmSimulatorCommand;
import io.colony.benchmarks.status.StatusCommand;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Entry point of {@code java -jar benchmarks/target/benchmarks.jar <command> ...}. Results go to stdout,
 * diagnostics to stderr; exit status 0 on success, 1 when the work failed, 64 for a wrong command line.
 */
public final class Benchmarks {

	private static final String USAGE = """
			usage: java -jar benchmarks/target/benchmarks.jar <command> [options]

			  llm-simulator --port 8070 --latency-ms L [--host 127.0.0.1]
			      OpenAI-compatible chat completions server answering after L ms.
			  github-sim [--port 8090] [--jwks-url URL] [--repository owner/repo]
			      GitHub REST stand-in (pulls, files, reviews) with pull request #1 seeded; tokens checked by JWKS.
			  demo [--gateway http://127.0.0.1:8080] [--inputs 1000] [--token T]
			      Submits a scatter-gather job to a running mesh and shows its progress.
			  status [--gateway http://127.0.0.1:8080] [--token T | --tenant demo] [--watch [--interval-s 2]]
			      The fleet view of a running mesh: queues, workers, jobs, pending approvals.
			  bench scatter-gather --tasks N --latency-ms L [--llm-url URL [--llm-concurrency C]] [--workers K]
			                       [--keep-logs] [--base-port 28080] [--timeout-s 1800] [--console-screenshot F.png]
			      Launches a private mesh, runs one job of N tasks and prints one JSON line.
			  bench worker-inflight --tasks 12000 --latency-ms 2000 [--heap 1g]
			      One worker JVM against the LLM simulator over HTTP: most LLM calls open at once, CPU and heap per call.
			  bench rate-limit --tasks 1200 --rpm 1200 [--workers 2] [--window-s 10] [--latency-ms 200]
			      A fleet sharing one requests-per-minute limit: the most requests the simulator saw in any minute.
			  bench priority [--normal-tasks 5000] [--high-jobs 20] [--high-inputs 10] [--control-jobs 4] [--rounds 4]
			                 [--interval-ms 500] [--latency-ms 200] [--workers 2] [--max-running 50] [--base-port 28080]
			                 [--timeout-s 1800] [--start-timeout-s 600]
			      Workers saturated by a normal job; high and control normal jobs submitted meanwhile: p50/p99 waits of each.
			  bench signing [--messages 100000]
			      Ed25519 result signing and verification on one thread: µs per message and messages per second.
			  bench credential-revocation [--revocations 50] [--workers 2]
			      Revokes auto-granted leases one by one: ms until every worker has heard of each revocation.
			  bench residents [--agents 1000000] [--messages 100000] [--latency-ms 200] [--concurrency 2000]
			                  [--bulk-size 10000] [--bulk-parallel 4] [--http-concurrency 64] [--llm-url URL]
			                  [--workers 1] [--base-port 28080] [--timeout-s 3600] [--start-timeout-s 300] [--seed 7]
			                  [--jvm-options "-Xmx256m -XX:+UseSerialGC"]
			      Resident agents: bulk creation, then messages to random agents: replies/s, reply p50/p99,
			      activation p99, mesh RSS and heap per idle agent against the goals of issue 7.
			""";

	private Benchmarks() {
	}

	public static void main(String[] arguments) {
		System.exit(run(Arrays.asList(arguments), System.out, System.err));
	}

	static int run(List<String> arguments, PrintStream out, PrintStream err) {
		if (arguments.isEmpty() || Set.of("help", "--help", "-h").contains(arguments.getFirst())) {
			(arguments.isEmpty() ? err : out).print(USAGE);
			return arguments.isEmpty() ? 64 : 0;
		}
		List<String> rest = arguments.subList(1, arguments.size());
		try {
			return switch (arguments.getFirst()) {
				case "llm-simulator" -> LlmSimulatorCommand.run(Args.parse(rest, Set.of()), err);
				case "github-sim" -> GitHubSimCommand.run(Args.parse(rest, Set.of()), err);
				case "demo" -> DemoCommand.run(Args.parse(rest, Set.of()), out);
				case "status" -> StatusCommand.run(Args.parse(rest, Set.of("watch")), out);
				case "bench" -> switch (rest.isEmpty() ? "" : rest.getFirst()) {
					case "worker-inflight" -> WorkerInflightBench.run(Args.parse(rest.subList(1, rest.size()), Set.of()), out, err);
					case "signing" -> SigningBench.run(Args.parse(rest.subList(1, rest.size()), Set.of()), out, err);
					case "credential-revocation" -> CredentialRevocationBench.run(Args.parse(rest.subList(1, rest.size()), Set.of()), out, err);
					case "priority" -> PriorityBench.run(Args.parse(rest.subList(1, rest.size()), Set.of()), out, err);
					case "rate-limit" -> RateLimitBench.run(Args.parse(rest.subList(1, rest.size()), Set.of()), out, err);
					case "residents" -> ResidentsBench.run(rest.subList(1, rest.size()), out, err);
					default -> ScatterGatherBench.run(rest, out, err);
				};
				default -> throw new UsageError("unknown command '" + arguments.getFirst() + "'");
			};
		}
		catch (UsageError ex) {
			err.println("error: " + ex.getMessage());
			err.print(USAGE);
			return 64;
		}
		catch (CommandFailed ex) {
			err.println("error: " + ex.getMessage());
			return 1;
		}
	}
}
