package io.colony.benchmarks.client;

import io.colony.benchmarks.cli.CommandFailed;

import java.net.URI;

/** Nothing answers at the gateway's address. */
public final class GatewayUnreachable extends CommandFailed {

	public GatewayUnreachable(URI gateway, Throwable cause) {
		super("gateway not reachable at " + gateway + " - run ./colony up", cause);
	}
}
