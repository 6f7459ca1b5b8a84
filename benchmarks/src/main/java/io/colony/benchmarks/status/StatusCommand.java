package io.colony.benchmarks.status;

import io.colony.benchmarks.cli.Args;
import io.colony.benchmarks.cli.CommandFailed;
import io.colony.benchmarks.client.ApiError;
import io.colony.benchmarks.client.ColonyClient;
import tools.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * {@code status [--gateway URL] [--token T | --tenant demo] [--watch [--interval-s 2]]}: the gateway's fleet snapshot
 * ({@code GET /api/v1/fleet}) as aligned tables. The token is {@code --token}, else {@code $COLONY_TOKEN}; without
 * either it mints one from the local issuer with
 * {@code fleet:read credentials:approve} for {@code --tenant} (whose pending approvals it shows). {@code --watch}
 * redraws every interval until interrupted, and keeps going while the gateway is away; without it, the exit status
 * is 0 when the snapshot was read, 1 when not.
 */
public final class StatusCommand {

	static final String SCOPE = "fleet:read credentials:approve";

	/** Where {@code ./colony status} hands its token over: the environment, which other users' {@code ps} cannot read. */
	static final String TOKEN_VARIABLE = "COLONY_TOKEN";

	private static final String CLEAR_SCREEN = "\033[H\033[2J";

	private StatusCommand() {
	}

	public static int run(Args args, PrintStream out) {
		URI gateway = args.uri("gateway", "http://127.0.0.1:8080");
		String token = args.string("token", System.getenv(TOKEN_VARIABLE));
		String tenant = args.string("tenant", "demo");
		boolean watch = args.flag("watch");
		Duration interval = Duration.ofSeconds(args.integer("interval-s", 2, 1, 3600));
		args.requireAllKnown();

		Fleet fleet = new Fleet(new ColonyClient(gateway), token, tenant);
		if (!watch) {
			out.print(FleetReport.render(fleet.snapshot(), gateway.toString()));
			return 0;
		}
		while (!Thread.currentThread().isInterrupted()) {
			String screen;
			try {
				screen = FleetReport.render(fleet.snapshot(), gateway.toString());
			}
			catch (CommandFailed ex) {
				// the gateway restarting is what a watch is for: say so and try again
				screen = "Colony fleet at " + gateway + " - " + Instant.now() + "\n\n" + ex.getMessage() + "\n";
			}
			out.print(CLEAR_SCREEN + screen + "\n(every " + interval.toSeconds() + " s; Ctrl-C to stop)\n");
			out.flush();
			try {
				Thread.sleep(interval);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		return 0;
	}

	/** Reads snapshots with a token that is given, or minted (and minted again when it expires). */
	static final class Fleet {

		private final ColonyClient client;

		private final boolean minted;

		private final String tenant;

		Fleet(ColonyClient client, String token, String tenant) {
			this.client = client;
			this.minted = token == null;
			this.tenant = tenant;
			if (token != null) {
				client.useToken(token);
			}
		}

		JsonNode snapshot() {
			if (client.token() == null) {
				mint();
			}
			HttpResponse<String> response = get();
			if (response.statusCode() == 401 && minted) {
				mint();
				response = get();
			}
			if (response.statusCode() == 403) {
				throw new ApiError("reading the fleet view (the token needs scope fleet:read)", 403, response.body());
			}
			if (response.statusCode() != 200) {
				throw new ApiError("reading the fleet view", response.statusCode(), response.body());
			}
			return client.parse(response.body());
		}

		private HttpResponse<String> get() {
			return client.send(client.authorized("/api/v1/fleet").header("Accept", "application/json").GET().build());
		}

		private void mint() {
			client.useToken(client.mintToken(SCOPE, Map.of("tenant", tenant)));
		}
	}
}
